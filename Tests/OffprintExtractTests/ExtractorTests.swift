import Testing
@testable import OffprintExtract
import OffprintArticle
import OffprintDocument
