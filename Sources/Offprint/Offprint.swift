// The Offprint library: one import gives every stage's public API.
//
//   let exporter = Exporter()                                  // load → clean → Markdown
//   let result = try exporter.export(bytes, origin: "post.md")
//   print(result.markdown)
@_exported import OffprintDocument
@_exported import OffprintArticle
@_exported import OffprintExtract
@_exported import OffprintCleanup
@_exported import OffprintMarkdown
@_exported import OffprintImages
