#!/usr/bin/env python3
"""Extract the bundled Q&A document into BEIR corpus.jsonl.

Usage (from anywhere):  python3 tests/devset/make_corpus.py
Reads  corpus/deep-learning-interview-qa.txt  (relative to the repo root)
Writes tests/devset/corpus.jsonl

Document format: a short preamble, then for each entry a line
"N. question" (number, dot, optional space), a line "Ans:", then answer
lines up to the next entry. Quirks handled:
  * "39.How do you ..." has no space after the dot;
  * a question line that is repeated (same number, same text, before its
    "Ans:" line or right after it) is kept once;
  * an answer line that happens to start with digits and a dot is only
    treated as a new entry if it is the next expected number and is
    followed by an "Ans:" line.
Standard library only.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SRC = os.path.join(ROOT, "corpus", "deep-learning-interview-qa.txt")
OUT = os.path.join(HERE, "corpus.jsonl")

QLINE = re.compile(r"^\s*(\d+)\.\s*(\S.*?)\s*$")
ANS = re.compile(r"^\s*Ans\s*:\s*$")


def next_nonblank(lines, i):
    i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def parse(lines):
    entries = []  # [num, title, [answer lines]]
    expected = 1
    i = 0
    while i < len(lines):
        line = lines[i]
        m = QLINE.match(line)
        if m:
            num, title = int(m.group(1)), m.group(2)
            j = next_nonblank(lines, i)
            follows_ans = j < len(lines) and ANS.match(lines[j])
            # Duplicate of the previous question line (same number/text).
            if entries and num == entries[-1][0] and title == entries[-1][1]:
                i = j + 1 if follows_ans and not entries[-1][2] else i + 1
                continue
            # A repeated question line directly before the real one.
            if num == expected and not follows_ans and j < len(lines):
                m2 = QLINE.match(lines[j])
                if m2 and int(m2.group(1)) == num and m2.group(2) == title:
                    i = j
                    continue
            if num == expected and follows_ans:
                entries.append([num, title, []])
                expected += 1
                i = j + 1
                continue
        if entries:
            entries[-1][2].append(line.rstrip())
        i += 1
    return entries


def main():
    with open(SRC, encoding="utf-8") as f:
        lines = f.read().splitlines()
    entries = parse(lines)
    with open(OUT, "w", encoding="utf-8") as out:
        for num, title, ans in entries:
            # Drop leading/trailing blank answer lines, keep inner layout.
            while ans and not ans[0].strip():
                ans.pop(0)
            while ans and not ans[-1].strip():
                ans.pop()
            rec = {"_id": str(num), "title": title, "text": "\n".join(ans)}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    empty = [e[0] for e in entries if not "\n".join(e[2]).strip()]
    print("wrote %d records to %s" % (len(entries), os.path.relpath(OUT, ROOT)))
    if len(entries) != 90 or empty:
        print("WARNING: expected 90 non-empty records; empty answers: %s" % empty,
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
