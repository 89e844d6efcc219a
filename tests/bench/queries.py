#!/usr/bin/python3
"""queries.py - the benchmark's questions, one per line, on stdout.

usage: queries.py FILE...

Reads the "text" of every line of each queries.jsonl FILE (BEIR layout,
as /work/shared/eval/*/queries.jsonl and tests/devset/queries.jsonl),
turns tabs, newlines and other runs of white space into single spaces,
drops blank and repeated questions, and prints the rest in order.  The
count goes to stderr.
"""
import json
import re
import sys

SPACE = re.compile(r"\s+")


def main(paths):
    seen = set()
    out = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    text = json.loads(line).get("text", "")
                except (ValueError, AttributeError):
                    sys.exit("queries: %s:%d: not a JSON object" % (path, lineno))
                text = SPACE.sub(" ", str(text)).strip()
                # A question needs a word, or quarry answers nothing at all.
                if not re.search(r"\w", text) or text in seen:
                    continue
                seen.add(text)
                out.append(text)
    sys.stdout.write("".join(q + "\n" for q in out))
    print("queries: %d questions from %d files" % (len(out), len(paths)),
          file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: queries.py FILE...")
    main(sys.argv[1:])
