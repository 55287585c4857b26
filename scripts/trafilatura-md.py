#!/usr/bin/env python3
"""trafilatura-md.py IN.html OUT.md: trafilatura's Markdown output (with images, links,
tables, and its metadata as front matter), for scripts/extract-compare.sh."""
import sys

import trafilatura
import yaml

src, out = sys.argv[1], sys.argv[2]
html = open(src, "rb").read()
md = trafilatura.extract(html, output_format="markdown", include_images=True, include_links=True,
                         include_tables=True, include_comments=False, with_metadata=False) or ""
meta = trafilatura.extract_metadata(html)
title = meta.title if meta and meta.title else None
front = ("---\n" + yaml.safe_dump({"title": title}, allow_unicode=True) + "---\n\n") if title else ""
open(out, "w", encoding="utf-8").write(front + md + "\n")
