#!/usr/bin/env python3
"""Writes the hostile-input set into a folder (scripts/hostile-check.sh runs offprint on it).

    scripts/hostile-gen.py OUTDIR

Every file is generated here (nothing downloaded), the same bytes every time. Each name
says what it tries: nesting 100,000 deep, a 50 MB paragraph, a million attributes, invalid
UTF-8, NUL bytes, mixed encodings, YAML alias bombs, 10 MB front matter, gigantic tables,
100,000 images, titles and URLs that try `../` paths.
"""
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "hostile"
os.makedirs(out, exist_ok=True)


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def page(body, head=""):
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>hostile</title>%s</head><body>%s</body></html>" % (head, body)


N = 100_000
# --- nesting ---------------------------------------------------------------------------
write("nesting-div-100k.html", page("<div>" * N + "deep" + "</div>" * N))
write("nesting-inline-100k.html", page("<p>" + "<b><i><span>" * (N // 3) + "deep" + "</span></i></b>" * (N // 3) + "</p>"))
write("nesting-unclosed-100k.html", page("<div><span>" * (N // 2) + "never closed"))
write("nesting-list-100k.html", page("<ul><li>" * N + "deep" + "</li></ul>" * N))
write("nesting-blockquote-100k.html", page("<blockquote>" * N + "<p>deep</p>" + "</blockquote>" * N))
write("nesting-table-20k.html", page("<table><tr><td>" * 20_000 + "deep" + "</td></tr></table>" * 20_000))
write("nesting-links-100k.html", page("<p>" + "<a href=\"https://example.com/\">" * N + "deep" + "</a>" * N + "</p>"))
write("nesting-emphasis-100k.html", page("<p>" + "<em><strong>" * (N // 2) + "deep" + "</strong></em>" * (N // 2) + "</p>"))
write("nesting-pre-code-100k.html", page("<pre>" + "<code>" * N + "x = 1" + "</code>" * N + "</pre>"))
write("nesting-svg-100k.html", page("<svg>" + "<g>" * N + "</g>" * N + "</svg>"))

# --- size -------------------------------------------------------------------------------
words = "lorem ipsum dolor sit amet 中文字符 "
write("paragraph-50mb.html", page("<p>" + words * (50_000_000 // len(words.encode())) + "</p>"))
write("one-word-50mb.html", page("<p>" + "x" * 50_000_000 + "</p>"))
write("attribute-value-50mb.html", page("<a href=\"https://example.com/" + "a" * 50_000_000 + "\">link</a>"))
write("unclosed-comment-20mb.html", page("<p>before</p><!--" + "c" * 20_000_000))
write("unclosed-script-20mb.html", page("<p>before</p><script>" + "var x = 1;\n" * 2_000_000))
write("entities-5m.html", page("<p>" + "&amp;&lt;&#x1F600;&nbsp;" * 1_250_000 + "</p>"))
write("markdown-specials-10mb.html", page("<p>" + "*_`[]()#|\\<>!~" * 700_000 + "</p>"))
write("many-paragraphs-500k.html", page("<p>para</p>\n" * 500_000))

# --- attributes -------------------------------------------------------------------------
write("attributes-1m.html", page("<div " + " ".join("a%d=\"v\"" % i for i in range(1_000_000)) + ">text</div>"))
write("attributes-1m-same-name.html", page("<div " + " ".join("class=\"c%d\"" % i for i in range(1_000_000)) + ">text</div>"))
write("attributes-1k-on-10k-elements.html",
      page(("<span " + " ".join("data-a%d=\"v\"" % i for i in range(1000)) + ">t</span>") * 10_000))

# --- encodings --------------------------------------------------------------------------
import random
rng = random.Random(20261129)
noise = bytes(rng.randrange(0x80, 0x100) for _ in range(1_000_000))
write("invalid-utf8-1mb.html", b"<html><body><p>" + noise + b"</p><p>\xc3\x28 \xe2\x82 \xf0\x90\x28\xbc \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf</p></body></html>")
write("nul-bytes.html", b"<html><body><p>a\x00b</p><d\x00iv cl\x00ass=\"x\x00y\">c\x00</div><img src=\"a\x00.png\">"
      + b"\x00" * 100_000 + b"<p>after</p></body></html>")
write("nul-only-1mb.html", b"\x00" * 1_000_000)
mixed = ("<html><head><meta charset=\"gbk\"></head><body><p>UTF-8: 中文</p>").encode("utf-8") \
    + "<p>GBK: 中文</p>".encode("gbk") + "<p>Latin-1: café</p>".encode("latin-1") \
    + "<p>Shift_JIS: 日本語</p>".encode("shift_jis") + "<p>UTF-16: x</p>".encode("utf-16-le") + b"</body></html>"
write("mixed-encodings.html", mixed)
write("utf16-no-bom.html", page("<p>utf-16 text 中文</p>").encode("utf-16-le"))
write("utf16-bom-odd-length.html", b"\xff\xfe" + "<p>x</p>".encode("utf-16-le") + b"\x41")
write("declared-unknown-charset.html", b"<meta charset=\"x-no-such-charset\"><p>\xe4\xb8\xad \xff</p>")
write("bom-then-binary.html", b"\xef\xbb\xbf" + bytes(range(256)) * 1000)

# --- front matter -----------------------------------------------------------------------
bomb = "---\n"
bomb += "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
prev = "a"
for name in "bcdefghi":
    bomb += "%s: &%s [%s]\n" % (name, name, ",".join(["*" + prev] * 9))
    prev = name
bomb += "title: Billion laughs\n---\n<p>body</p>\n"
write("yaml-alias-bomb.md", bomb)
mapping = "---\nk0: &k0 {a: lol}\n"
for i in range(1, 12):
    mapping += "k%d: &k%d {%s}\n" % (i, i, ", ".join("x%d: *k%d" % (j, i - 1) for j in range(10)))
write("yaml-alias-bomb-mapping.md", mapping + "title: Mapping bomb\n---\n<p>body</p>\n")
write("yaml-deep-flow-100k.md", "---\ntitle: deep\nnest: " + "[" * N + "]" * N + "\n---\n<p>body</p>\n")
write("yaml-deep-block-3k.md", "---\ntitle: deep\nnest:\n" + "".join("  " * i + "- \n" for i in range(3_000)) + "---\n<p>body</p>\n")
write("yaml-deep-mapping-100k.md", "---\ntitle: deep\nnest: " + "{a: " * N + "x" + "}" * N + "\n---\n<p>body</p>\n")
write("front-matter-10mb-keys.md", "---\ntitle: many keys\n" + "".join("key%d: value %d\n" % (i, i) for i in range(600_000)) + "---\n<p>body</p>\n")
write("front-matter-10mb-value.md", "---\ntitle: \"" + "v" * 10_000_000 + "\"\n---\n<p>body</p>\n")
write("front-matter-10mb-list.md", "---\ntitle: long list\ntags:\n" + "  - tag\n" * 1_300_000 + "---\n<p>body</p>\n")
write("front-matter-unclosed-10mb.md", "---\ntitle: never closed\n" + "line: x\n" * 1_300_000)
write("toml-deep-100k.md", "+++\ntitle = \"deep\"\nnest = " + "[" * N + "]" * N + "\n+++\n<p>body</p>\n")
write("toml-10mb.md", "+++\ntitle = \"big\"\n" + "".join("key%d = %d\n" % (i, i) for i in range(700_000)) + "+++\n<p>body</p>\n")

# --- tables -----------------------------------------------------------------------------
write("table-10k-rows-100-cols.html", page("<table>" + ("<tr>" + "<td>c</td>" * 100 + "</tr>") * 10_000 + "</table>"))
write("table-1-row-200k-cols.html", page("<table><tr>" + "<td>c</td>" * 200_000 + "</tr></table>"))
write("table-huge-spans.html", page("<table><tr><td colspan=\"100000000\" rowspan=\"100000000\">x</td></tr>"
                                    + "<tr><td colspan=\"65534\">y</td></tr>" * 100 + "</table>"))
write("table-pipes-in-cells.html", page("<table>" + ("<tr>" + "<td>|a|\\|</td>" * 50 + "</tr>") * 2_000 + "</table>"))

# --- images -----------------------------------------------------------------------------
write("images-100k.html", page("".join("<img src=\"https://example.invalid/i/%d.jpg\" alt=\"%d\">" % (i, i) for i in range(N))))
write("images-100k-data-uri.html", page("<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\">" * N))
write("images-srcset-huge.html", page("<img srcset=\"" + ", ".join("https://example.invalid/%d.jpg %dw" % (i, i) for i in range(200_000)) + "\">"))

# --- paths ------------------------------------------------------------------------------
for i, title in enumerate(["../../../../../../tmp/offprint-escape", "/etc/passwd", "..\\..\\windows\\system32",
                           "a/../../b", "\u0000nul", ".", "..", "~", "-rf", "con", "x" * 5000,
                           "\u202egnp.exe", "../" * 200]):
    write("title-path-%02d.md" % i, "---\ntitle: %s\nheadimg: https://example.invalid/../../../etc/passwd\n---\n"
          "<p><img src=\"https://example.invalid/../../x/../../../../etc/passwd.png\">"
          "<img src=\"file:///etc/passwd\"><a href=\"../../../../etc/passwd\">l</a></p>\n" % title.replace("\u0000", "\\0"))
write("image-url-traversal.html", page("".join("<img src=\"%s\">" % u for u in [
    "https://example.invalid/../../../../etc/passwd", "file:///etc/shadow", "../../../../../../etc/passwd",
    "/etc/passwd", "http://127.0.0.1:1/x.png", "https://example.invalid/%2e%2e/%2e%2e/etc/passwd",
    "data:image/png;base64,AAAA", "javascript:alert(1)", "\\\\server\\share\\x.png"])))

print("%d files in %s" % (len(os.listdir(out)), out))
