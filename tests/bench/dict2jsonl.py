#!/usr/bin/python3
"""dict2jsonl.py - turn dictd dictionaries into quarry JSONL records.

usage: dict2jsonl.py [--dir /usr/share/dictd] NAME... > dict.jsonl

For each NAME reads NAME.index (headword TAB base64-offset TAB
base64-length, dictd's alphabet A-Za-z0-9+/) and NAME.dict.dz (gzip
compatible), and prints one line per entry:
    {"id": "NAME:N", "question": headword, "answer": definition}
N counts the entries kept, from 1.  The definition's runs of white
space (dictd's line wrapping and indentation) become single spaces.  The
dictd meta entries (headwords starting with 00-database- or 00database,
or text starting with 00-database-, as gcide's 00-gcide-* aliases) are
skipped.  Prints the per-dictionary counts to stderr.
"""
import gzip
import json
import os
import re
import sys

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
B64VAL = {c: i for i, c in enumerate(B64)}
SPACE = re.compile(r"\s+")


def b64num(s):
    """dictd's base64 number: most significant digit first."""
    n = 0
    for c in s:
        n = n * 64 + B64VAL[c]
    return n


def is_meta(head):
    return head.startswith("00-database-") or head.startswith("00database")


def convert(directory, name, out):
    """Write the records of one dictionary; returns (kept, skipped)."""
    with gzip.open(os.path.join(directory, name + ".dict.dz"), "rb") as f:
        data = f.read()
    kept = skipped = 0
    with open(os.path.join(directory, name + ".index"), "rb") as f:
        for lineno, raw in enumerate(f, 1):
            fields = raw.rstrip(b"\r\n").split(b"\t")
            if len(fields) < 3:
                sys.exit("dict2jsonl: %s.index:%d: want 3 tab-separated "
                         "fields" % (name, lineno))
            head = fields[0].decode("utf-8", "replace").strip()
            if not head or is_meta(head):
                skipped += 1
                continue
            try:
                off = b64num(fields[1].decode("ascii"))
                length = b64num(fields[2].decode("ascii"))
            except (KeyError, UnicodeDecodeError):
                sys.exit("dict2jsonl: %s.index:%d: bad base64 number"
                         % (name, lineno))
            if off + length > len(data):
                sys.exit("dict2jsonl: %s.index:%d: entry past the end of "
                         "%s.dict.dz" % (name, lineno, name))
            text = data[off:off + length].decode("utf-8", "replace")
            text = SPACE.sub(" ", text).strip()
            if not text or text.startswith("00-database-"):
                skipped += 1
                continue
            kept += 1
            rec = {"id": "%s:%d" % (name, kept), "question": head,
                   "answer": text}
            out.write(json.dumps(rec, ensure_ascii=False))
            out.write("\n")
    return kept, skipped


def main(argv):
    directory = "/usr/share/dictd"
    names = []
    i = 1
    while i < len(argv):
        if argv[i] == "--dir" and i + 1 < len(argv):
            directory = argv[i + 1]
            i += 2
            continue
        names.append(argv[i])
        i += 1
    if not names:
        sys.exit(__doc__.strip().splitlines()[2])
    out = sys.stdout
    total = 0
    for name in names:
        kept, skipped = convert(directory, name, out)
        total += kept
        print("dict2jsonl: %s: %d records (%d skipped)" % (name, kept, skipped),
              file=sys.stderr)
    out.flush()
    print("dict2jsonl: %d records" % total, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
