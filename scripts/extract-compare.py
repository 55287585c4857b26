#!/usr/bin/env python3
"""Compare offprint's extraction with trafilatura's Markdown mode, page by page, in one run.

  scripts/extract-compare.py [--binary .build/release/offprint] [--corpus ../shared/corpus]
                             [--sets aeb,readability] [--pages] [--extra 'NAME=COMMAND']

Scores each dev set with ../shared/tools/extractscore.py's own functions (word 4-gram
shingles of the rendered Markdown against the reference; titles for readability) for:
  offprint (default)       offprint export {in} -q -o {out}          (--content auto)
  offprint --main-content  the same with --main-content
  trafilatura markdown     scripts/trafilatura-md.py {in} {out}      (trafilatura 2.3, images/links/tables)
--pages prints every page's F1 side by side. Needs: python3 -m pip install trafilatura lxml cmarkgfm pyyaml
"""
import argparse
import json
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(HERE.parent / ".build/release/offprint"))
    ap.add_argument("--corpus", default=str(HERE.parent / "../shared/corpus"))
    ap.add_argument("--tools", default=None, help="folder of extractscore.py (default: CORPUS/../tools)")
    ap.add_argument("--sets", default="aeb,readability")
    ap.add_argument("--pages", action="store_true")
    ap.add_argument("--extra", action="append", default=[], help="NAME=COMMAND with {in} {out}")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    sys.path.insert(0, a.tools or str(Path(a.corpus).resolve().parent / "tools"))
    import extractscore as es

    b = a.binary
    tools = [("offprint", f"{b} export {{in}} -q -o {{out}}"),
             ("offprint --main-content", f"{b} export {{in}} -q --main-content -o {{out}}"),
             ("trafilatura markdown", f"python3 {HERE / 'trafilatura-md.py'} {{in}} {{out}}")]
    for e in a.extra:
        name, _, cmd = e.partition("=")
        tools.append((name, cmd))

    summary = {}
    for kind in a.sets.split(","):
        d = Path(a.corpus) / kind
        if kind == "aeb":
            cases = [(p.stem, p, json.loads(p.with_suffix(".json").read_text()).get("articleBody", ""), None)
                     for p in sorted(d.glob("*.html")) if p.with_suffix(".json").exists()]
        else:
            cases = []
            for c in sorted(p for p in d.iterdir() if (p / "source.html").exists()):
                meta = c / "expected-metadata.json"
                title = (json.loads(meta.read_text()).get("title") or "").strip() if meta.exists() else ""
                cases.append((c.name, c / "source.html", es.html_text((c / "expected.html").read_bytes().decode("utf-8", "replace")), title))
        per_tool = {}
        for name, cmd in tools:
            with tempfile.TemporaryDirectory() as tmp:
                def one(case):
                    n, src, ref, title = case
                    meta, text = es.markdown_text(es.run(cmd, src, Path(tmp) / (n + ".md")))
                    p, r = es.page_scores(ref, text)
                    got = " ".join(str(meta.get("title") or "").split())
                    return n, p, r, (None if not title else got == " ".join(title.split()))
                with ThreadPoolExecutor(a.jobs) as ex:
                    rows = list(ex.map(one, cases))
            P = sum(r[1] for r in rows) / len(rows)
            R = sum(r[2] for r in rows) / len(rows)
            F = 2 * P * R / (P + R) if P + R else 0
            titled = [r[3] for r in rows if r[3] is not None]
            res = {"f1": round(F, 4), "precision": round(P, 4), "recall": round(R, 4)}
            if titled:
                res["title"] = round(sum(titled) / len(titled), 4)
            per_tool[name] = (res, {r[0]: (2 * r[1] * r[2] / (r[1] + r[2]) if r[1] + r[2] else 0) for r in rows})
        print(f"== {kind} ({len(cases)} pages)")
        for name, (res, _) in per_tool.items():
            print(f"  {name:26s} " + " ".join(f"{k} {v}" for k, v in res.items()))
        if a.pages:
            names = list(per_tool)
            print("  " + " ".join(f"{n[:12]:>12s}" for n in names) + "  page")
            for c in cases:
                print("  " + " ".join(f"{per_tool[n][1][c[0]]:12.3f}" for n in names) + "  " + c[0][:40])
        summary[kind] = {n: r for n, (r, _) in per_tool.items()}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
