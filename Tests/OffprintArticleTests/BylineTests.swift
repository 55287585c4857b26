import Testing
@testable import OffprintArticle

/// Author names made once from what pages give (bylines, meta authors, JSON-LD).
@Suite("Bylines into names")
struct BylineTests {
    @Test("Names stay as written; labels before them go", arguments: [
        ("By Scott Cunningham", "Scott Cunningham"),
        ("by: Ann Lee", "Ann Lee"),
        ("作者：崔宁宁", "崔宁宁"),
        ("文/ 张三", "张三"),
        ("Jong, Michiel de", "Jong, Michiel de"),
        ("Martin Untersinger (avec Damien Leloup et Morgane Tual)", "Martin Untersinger (avec Damien Leloup et Morgane Tual)"),
        ("Mac & i", "Mac & i"),
        ("  Gina \n Roberts-Grey ", "Gina Roberts-Grey"),
    ])
    func names(raw: String, name: String) {
        #expect(Byline.clean(raw) == name)
    }

    @Test("A dateline after the name is cut off; a line that is only a date is no name", arguments: [
        ("IT之家发布时间：09-3022:46青岛软媒网络科技有限公司", "IT之家"),
        ("王文 2019-09-07 09:25", "王文"),
        ("Jane Doe | Published 3 March 2021", "Jane Doe"),
        ("John Smith 10:45", "John Smith"),
    ])
    func datelines(raw: String, name: String) {
        #expect(Byline.clean(raw) == name)
    }

    @Test("E-mail addresses and template placeholders are no names")
    func placeholders() {
        #expect(Byline.clean("name, email@gmail.com") == nil)
        #expect(Byline.clean("Ann Lee <ann@example.org>") == "Ann Lee")
        #expect(Byline.clean("Ann Lee (ann@example.org)") == "Ann Lee")
        #expect(Byline.clean("admin") == nil)
        #expect(Byline.clean("2019-09-07 09:25") == nil)
        #expect(Byline.clean("") == nil)
        #expect(Byline.clean(String(repeating: "x", count: 81)) == nil)
    }
}
