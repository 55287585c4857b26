import Testing
@testable import OffprintSupport

@Suite struct DateNormalizerTests {
    @Test(arguments: [
        // RFC 1123 / 2822
        ("Wed, 14 Jul 2021 05:08:05 GMT", "2021-07-14T05:08:05Z"),
        ("14 Jul 2021 05:08 +0000", "2021-07-14T05:08:00+00:00"),
        ("Wed, 14 Jul 2021 05:08:05 EDT", "2021-07-14T05:08:05-04:00"),
        // ISO 8601 and relatives
        ("2021-07-14", "2021-07-14"),
        ("2021-07-14T05:08:05Z", "2021-07-14T05:08:05Z"),
        ("2021-07-14T05:08:05.123+08:00", "2021-07-14T05:08:05.123+08:00"),
        ("2019-01-03T07:00:02.000Z", "2019-01-03T07:00:02Z"),
        ("2017-12-01T03:00:00-0800", "2017-12-01T03:00:00-08:00"),
        ("2019-11-19T06:56-05:00", "2019-11-19T06:56:00-05:00"),
        ("2016-09-14T12:33:10.443000", "2016-09-14T12:33:10.443"),
        ("2021-09-23 04:09:56", "2021-09-23T04:09:56"),
        ("2019-11-19 21:57:00 -0800", "2019-11-19T21:57:00-08:00"),
        ("2021/09/23", "2021-09-23"),
        ("2021/9/3 4:09", "2021-09-03T04:09:00"),
        ("2021.09.23", "2021-09-23"),
        ("20190806", "2019-08-06"),
        ("20190806103251", "2019-08-06T10:32:51"),
        ("201701100200", "2017-01-10T02:00:00"),
        // Chinese
        ("2021年09月23日 04:09", "2021-09-23T04:09:00"),
        ("2021年9月23日", "2021-09-23"),
        ("2021年9月23日 星期四 下午4:09", "2021-09-23T16:09:00"),
        ("2021年09月23日04时09分", "2021-09-23T04:09:00"),
        ("2021年09月23日 04:09 北京时间", "2021-09-23T04:09:00+08:00"),
        // English
        ("July 14, 2021", "2021-07-14"),
        ("Jul 14 2021 5:08 PM", "2021-07-14T17:08:00"),
        ("September 21, 2020 at 12:30 am", "2020-09-21T00:30:00"),
        ("14 July 2021", "2021-07-14"),
        ("Wednesday, 14th July 2021", "2021-07-14"),
        ("Wed Jul 14 2021 05:08:05 GMT+0800 (China Standard Time)", "2021-07-14T05:08:05+08:00"),
        // Numeric day/month
        ("05/08/2014 07:01:00", "2014-05-08T07:01:00"),
        ("25/12/2020", "2020-12-25"),
        ("14.07.2021", "2021-07-14"),
        // Unix time
        ("1626239285", "2021-07-14T05:08:05Z"),
        ("1626239285123", "2021-07-14T05:08:05.123Z"),
    ])
    func normalises(_ input: String, _ expected: String) {
        #expect(ArticleDate(input)?.iso8601 == expected)
    }

    @Test(arguments: ["", "yesterday", "2021-02-30", "2021-13-01", "2021-07-14T25:00:00", "12345", "Not a date 2021", "0EBC6AF737F6405C0F32D73B4AA6A640"])
    func rejects(_ input: String) {
        #expect(ArticleDate(input) == nil)
    }

    /// The hand-written ISO path gives what the general parsers give, or leaves the input to them.
    @Test(arguments: [
        "2021-07-14", "2021-7-4", "2021/07/14", "2021.9.23", "2021.9.23 4:09", "2021-07-14t05:08", "2021-07-14t05:08:05z",
        "2021-07-14t05:08:05.123+08:00", "2021-07-14t05:08:05,5-0330", "2021-07-14 05:08:05.000", "2021-09-23   04:09:56",
        "2019-11-19 21:57:00 -0800", "2019-11-19 21:57:00 +8", "2019-11-19 21:57 +05:30", "2021-07-14t05:08:05+0800",
        "2021-02-30", "2021-07-14t25:00", "2021-07-14 05:08:05 pm", "2021-07-14, 05:08", "2021-07-14 5h08", "2021-07-14 05:08 gmt",
        "2021-07-14 05:08:05 +08:00:00", "2021-07-140", "20210714", "2021-07-14t05:08:05.1234567891", "２０２１-07-14",
    ])
    func isoFastPathAgreesWithTheGeneralParsers(_ input: String) {
        let general = DateNormalizer.generalComponents(input)
        if let fast = DateNormalizer.isoFast(input) {
            #expect((fast.isValid ? fast : nil) == general, "\(input)")
        }
        #expect(DateNormalizer.components(input) == general, "\(input)")
    }

    @Test func datesInRunningText() {
        #expect(DateNormalizer.firstDate(in: "发布时间：2019-12-10 07:57:40 来源：新华网")?.iso8601 == "2019-12-10T07:57:40")
        #expect(DateNormalizer.firstDate(in: "2019年10月23日 09:10 环球网")?.iso8601 == "2019-10-23T09:10:00")
        #expect(DateNormalizer.firstDate(in: "Posted on July 14, 2021 by Ann")?.iso8601 == "2021-07-14")
        #expect(DateNormalizer.firstDate(in: "5小时前") == nil)
        #expect(DateNormalizer.firstDate(in: "阅读 1164 次, 编号 20190806103251") == nil)
    }

    @Test func sameInstantAcrossZones() throws {
        let a = try #require(DateNormalizer.components("2021-11-01T10:52:50+0100"))
        let b = try #require(DateNormalizer.components("2021-11-01T09:52:50Z"))
        #expect(a.epochSeconds == b.epochSeconds)
    }
}
