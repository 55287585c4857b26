#!/usr/bin/env python3
"""WARC files (Common Crawl's, or any crawler's) -> offprint JSON Lines records, on standard output.

    python3 warc_records.py CC-MAIN-...warc.gz [more.warc.gz ...] > records.jsonl
    python3 warc_records.py crawl.warc.gz | offprint export --jsonl > markdown.jsonl

Each HTML response becomes {"id": WARC-Record-ID, "url": WARC-Target-URI, "html": page text};
other records (requests, metadata, images, PDFs, redirects) are skipped. The bytes are decoded
with the HTTP charset, else the page's <meta charset>, else UTF-8 (bad bytes replaced): the
record's "html" is text, so offprint does not decode it again. Needs warcio (pip install warcio).
"""
import codecs
import json
import re
import sys

from warcio.archiveiterator import ArchiveIterator

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def charset(content_type, body):
    for found in (HEADER_CHARSET.search(content_type or ""),
                  META_CHARSET.search(body[:4096])):
        if found:
            name = found.group(1)
            name = name.decode("ascii", "replace") if isinstance(name, bytes) else name
            try:
                return codecs.lookup(name).name
            except LookupError:
                pass
    return "utf-8"


def records(stream):
    for record in ArchiveIterator(stream):
        if record.rec_type != "response" or record.http_headers is None:
            continue
        if record.http_headers.get_statuscode() != "200":
            continue
        content_type = record.http_headers.get_header("Content-Type", "")
        if "html" not in content_type.lower():
            continue
        body = record.content_stream().read()
        yield {
            "id": record.rec_headers.get_header("WARC-Record-ID"),
            "url": record.rec_headers.get_header("WARC-Target-URI"),
            "html": body.decode(charset(content_type, body), errors="replace"),
        }


def main(paths):
    out = sys.stdout
    for path in paths:
        with open(path, "rb") as stream:
            for r in records(stream):
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
