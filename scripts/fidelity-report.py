#!/usr/bin/env python3
"""Explains the mdfidelity scores of an offprint export of the shared corpus, file by file.

For every file that is not perfect it prints what the scorer counts as lost, sorted into
real losses and known scorer artifacts, so a fix can be aimed at the right thing:

  text    the scorer's similarity, and the same with a browser-like tokenizer that does
          not split words at inline element boundaries (`<span>W</span>hale`, code with
          highlighting spans): the gap between the two is tokenization, not loss; the
          token differences left under the browser-like tokenizer are listed
  images  each missing image with its reason: inside <noscript> (the scorer counts the
          fallback twin of a lazy image), data: URI (placeholders, spinners), srcset-only
          (the scorer takes the first, smallest candidate; offprint the widest), or other
  code    <pre> blocks whose text differs (the scorer's text_content drops <br> lines)
  links   each missing link: inside <pre> (Markdown code blocks hold no links), inside
          <noscript>, no text, href "/" (the scorer normalizes it to ""), or other
  blocks  counts of non-empty headings, list items, cells, strong and emphasis elements
          (the scorer also counts empty icon <i> and <strong></strong>)

  scripts/fidelity-report.py [--bin BINARY] [--out DIR] [SET ...]
SETs: hexo rexp (readability expected.html) rsrc (readability source.html) gne aeb;
default all. Needs lxml, cmarkgfm, pyyaml and ../shared/tools/mdfidelity.py.
"""
import argparse
import collections
import difflib
import glob
import os
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.environ.get("CORPUS", os.path.join(ROOT, "..", "shared", "corpus"))
TOOLS = os.environ.get("TOOLS", os.path.join(ROOT, "..", "shared", "tools"))
sys.path.insert(0, TOOLS)
import mdfidelity as m  # noqa: E402
import lxml.html  # noqa: E402

SETS = {
    "hexo": lambda: sorted(glob.glob(CORPUS + "/hexo/*.md")) + sorted(glob.glob(CORPUS + "/seed/*.txt")),
    "rexp": lambda: sorted(glob.glob(CORPUS + "/readability/*/expected.html")),
    "rsrc": lambda: sorted(glob.glob(CORPUS + "/readability/*/source.html")),
    "gne": lambda: sorted(glob.glob(CORPUS + "/gne/*.htm*")),
    "aeb": lambda: sorted(glob.glob(CORPUS + "/aeb/*.html")),
}
# Elements that start a new word in a browser (block boxes, replaced elements, line breaks).
BREAKS = set("""address article aside blockquote body center dd details dialog dir div dl dt
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li
listing main menu nav ol p plaintext pre section summary table caption thead tbody tfoot tr
td th ul xmp br img iframe video audio input button select textarea option""".split())


def parse(html):
    if not html.strip():
        html = "<div></div>"
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
    return lxml.html.fromstring(html.encode("utf-8", "replace"), parser=parser)


def browser_tokens(root):
    parts, stack = [], [(root, False)]
    while stack:
        e, done = stack.pop()
        if not isinstance(e.tag, str):
            if e.tail:
                parts.append(e.tail)
            continue
        tag = e.tag.lower()
        if done:
            if tag in BREAKS:
                parts.append(" ")
            if e.tail:
                parts.append(e.tail)
            continue
        stack.append((e, True))
        if tag in m.INVISIBLE:
            continue
        if tag in BREAKS:
            parts.append(" ")
        if e.text:
            parts.append(e.text)
        for c in reversed(list(e)):
            stack.append((c, False))
    text = unicodedata.normalize("NFC", "".join(parts).replace("\u00a0", " "))
    return m.TOKEN.findall(text)


def similarity(a, b):
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    same = sum(x.size for x in sm.get_matching_blocks())
    return (1.0 if not a and not b else 2 * same / (len(a) + len(b))), sm


def matches(e, g):
    return g == e or (g and e and (g.endswith(e) or e.endswith(g)))


def missing(expected, got):
    pool, out = list(got), []
    for el, e in expected:
        i = next((k for k, g in enumerate(pool) if matches(e, g)), None)
        if i is None:
            out.append((el, e))
        else:
            del pool[i]
    return out


def ancestors(el):
    return {a.tag for a in el.iterancestors() if isinstance(a.tag, str)}


def block_counts(root):
    groups = {"headings": ("h1", "h2", "h3", "h4", "h5", "h6"), "list_items": ("li",),
              "table_cells": ("td", "th"), "strong": ("b", "strong"), "emphasis": ("i", "em")}
    out = {}
    for name, tags in groups.items():
        n = 0
        for t in tags:
            for e in root.iter(t):
                if ancestors(e) & m.INVISIBLE:
                    continue
                if name in ("list_items", "table_cells") or e.text_content().strip() or next(e.iter("img"), None) is not None:
                    n += 1
        out[name] = n
    return out


def report(src_path, md_path, show):
    _, src = m.split_front_matter(open(src_path, encoding="utf-8", errors="replace").read())
    _, md = m.split_front_matter(open(md_path, encoding="utf-8", errors="replace").read())
    a, b = parse(src), parse(m.render_markdown(md))
    lines = []
    scorer, _ = similarity(m.visible_tokens(a), m.visible_tokens(b))
    real, sm = similarity(browser_tokens(a), browser_tokens(b))
    if real < 0.9999 or scorer < 0.999:
        lines.append(f"  text: scorer {scorer:.4f}, browser-like {real:.4f}")
        ta, tb = browser_tokens(a), browser_tokens(b)
        for op, i1, i2, j1, j2 in [o for o in sm.get_opcodes() if o[0] != "equal"][:show]:
            lines.append(f"    {op}: {' '.join(ta[i1:i2])[:90]!r} -> {' '.join(tb[j1:j2])[:90]!r}")
    imgs = [(i, m.norm_url(m.image_url(i))) for i in a.iter("img") if m.image_url(i)]
    imgs.sort(key=lambda t: "noscript" in ancestors(t[0]))  # visible twins match first
    got = [m.norm_url(m.image_url(i)) for i in b.iter("img") if m.image_url(i)]
    why = collections.Counter()
    shown = []
    for el, url in missing(imgs, got):
        reason = ("noscript" if "noscript" in ancestors(el) else "data-uri" if url.startswith("data:")
                  else "srcset-only" if el.get("srcset") and not el.get("src") else "other")
        why[reason] += 1
        if reason == "other" and len(shown) < show:
            shown.append(f"    image missing: {url[:100]}")
    if why:
        lines.append(f"  images missing: {dict(why)}")
        lines += shown
    links = []
    for el in a.iter("a"):
        href = (el.get("href") or "").strip()
        if href and not href.startswith("#") and not href.lower().startswith("javascript:"):
            links.append((el, m.norm_url(href)))
    got = [m.norm_url((el.get("href") or "").strip()) for el in b.iter("a")]
    why = collections.Counter()
    shown = []
    for el, url in missing(links, got):
        anc = ancestors(el)
        reason = ("pre" if "pre" in anc else "noscript" if "noscript" in anc else "root-href" if url == ""
                  else "no-text" if not el.text_content().strip() and next(el.iter("img"), None) is None else "other")
        why[reason] += 1
        if reason == "other" and len(shown) < show:
            shown.append(f"    link missing: {url[:100]}")
    if why:
        lines.append(f"  links missing: {dict(why)}")
        lines += shown
    code_a = [p for p in a.iter("pre")]
    code_b = [p.text_content().strip("\n") for p in b.iter("pre")]
    differ = [p for p in code_a if p.text_content().strip("\n") not in code_b]
    if differ:
        with_br = sum(1 for p in differ if next(p.iter("br"), None) is not None)
        lines.append(f"  code blocks differing: {len(differ)} ({with_br} with <br> lines, which the scorer drops)")
    ca, cb = block_counts(a), block_counts(b)
    diff = {k: (ca[k], cb[k]) for k in ca if ca[k] != cb[k]}
    if diff:
        lines.append(f"  non-empty blocks (source, markdown): {diff}")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="*", default=list(SETS))
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build/release/offprint"))
    ap.add_argument("--out", default="/tmp/offprint-fidelity")
    ap.add_argument("--show", type=int, default=4, help="details per file and kind")
    args = ap.parse_args()
    for s in args.sets:
        print(f"== {s}")
        os.makedirs(os.path.join(args.out, s), exist_ok=True)
        for src in SETS[s]():
            name = os.path.basename(os.path.dirname(src)) if s in ("rexp", "rsrc") else os.path.basename(src)
            md = os.path.join(args.out, s, name + ".md")
            subprocess.run([args.bin, "export", src, "-o", md, "--quiet"], check=False)
            lines = report(src, md, args.show)
            if lines:
                print(f"{name[:40]}")
                print("\n".join(lines))


if __name__ == "__main__":
    main()
