import Foundation
import Testing
@testable import OffprintImages

/// Cache maintenance reports say "1 image", never "1 images".
@Suite struct MaintenanceWordingTests {
    @Test func countsAgreeInNumber() {
        var v = VerifyResult()
        v.objectsChecked = 1
        v.entriesChecked = 2
        v.damagedObjects = ["a"]
        v.entriesRemoved = 1
        #expect(v.description == "checked 1 image and 2 URLs: 1 damaged image and 1 broken URL entry removed")
        var p = PruneResult()
        p.entriesRemoved = 1
        p.objectsRemoved = 0
        #expect(p.description.hasPrefix("removed 1 URL and 0 images"))
    }
}
