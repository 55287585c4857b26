// The Offprint library: what `import Offprint` gives.
//
//   let exporter = Exporter()                                  // load → clean → Markdown
//   let result = try exporter.export(bytes, origin: "post.md")
//   print(result.markdown)
//
// The face of the library is its entry points and the values that cross them; each stage's
// other types stay in its own module (import `OffprintDocument` to walk `CleanedArticle.document`,
// `OffprintFeeds`, … to use a stage on its own).
//
// Entry points (this module):
//   Exporter, ExportOptions, ExportResult           one input → Markdown (images remote or copied)
//   Bundler, BundleOptions, BundleResult            inputs, folders, feeds or a manifest → EPUB
//   FeedCollector, FeedOptions, FeedSource, FeedBatch   a feed's entries → stored articles
//   WebInput, HTTPPageFetcher                       pages and feeds by URL
//   RecordConverter, RecordOptions, RecordOutput, JSONLinesStream, StreamSummary   JSON Lines records
//   Files, Shard, concurrentMap                     safe reads and atomic writes; shards; bounded concurrency
// Values from the stages, re-exported because the entry points take or return them:
//   OffprintError                                    every error: step, path, line, message, hint, underlying
//   ArticleDate, LanguageTag, MediaType              metadata values, typed once
//   Article, ArticleMetadata, CleanedArticle, Diagnostic, LoadOptions, ArticleStore, StoredArticle
//   ExtractOptions, CleanupOptions, MarkdownOptions
//   HTTPFetcher, ImageProvider, ImageCache, ImageCacheOptions, CachedImage, ImageFailure
//   BookMetadata, EPUBOptions, BuildReport, CollectionManifest, DeviceProfile, ProfileBuildResult
//   FeedInfo, FetchPolicy, PageFetcher, WebPage
@_exported import struct OffprintSupport.OffprintError
@_exported import struct OffprintSupport.ArticleDate
@_exported import struct OffprintSupport.LanguageTag
@_exported import struct OffprintSupport.MediaType
@_exported import struct OffprintArticle.Article
@_exported import struct OffprintArticle.ArticleMetadata
@_exported import struct OffprintArticle.CleanedArticle
@_exported import struct OffprintArticle.Diagnostic
@_exported import struct OffprintArticle.LoadOptions
@_exported import class OffprintArticle.ArticleStore
@_exported import struct OffprintArticle.StoredArticle
@_exported import struct OffprintExtract.ExtractOptions
@_exported import struct OffprintCleanup.CleanupOptions
@_exported import struct OffprintMarkdown.MarkdownOptions
@_exported import class OffprintHTTP.HTTPFetcher
@_exported import protocol OffprintImages.ImageProvider
@_exported import class OffprintImages.ImageCache
@_exported import struct OffprintImages.ImageCacheOptions
@_exported import struct OffprintImages.CachedImage
@_exported import struct OffprintImages.ImageFailure
@_exported import struct OffprintEPUB.BookMetadata
@_exported import struct OffprintEPUB.EPUBOptions
@_exported import struct OffprintEPUB.BuildReport
@_exported import struct OffprintEPUB.CollectionManifest
@_exported import struct OffprintProfiles.DeviceProfile
@_exported import struct OffprintProfiles.ProfileBuildResult
@_exported import struct OffprintFeeds.FeedInfo
@_exported import enum OffprintFeeds.FetchPolicy
@_exported import protocol OffprintFeeds.PageFetcher
@_exported import struct OffprintFeeds.WebPage
