// The shared test support (corpus loading, test images, epubcheck runners, zip reader)
// lives in the OffprintTestSupport target, also used by the profile tests.
@_exported import OffprintTestSupport
