#!/usr/bin/env python3
"""snippet_eval.py - how often the snippet holds the answer (SQuAD-style).

Usage: snippet_eval.py QUARRY DB QUESTIONS.jsonl [--half tune|test|all]

Asks every question of QUESTIONS.jsonl ({"id","question","answers"}) with
`QUARRY ask --db DB --json --top 5` and scores, per question:
  snip@1   an answer span is in the first 300 characters of the rank-1
           snippet;
  hit@1/5  an answer span is in what a reader sees for a result in the
           top 1 / 5: its snippet when the answer is long (over 600
           bytes, as plain output shows it), else its text, cut to 800
           characters.
Matching ignores case and runs of blanks.  The halves split the questions
by id (an even hexadecimal id is the tuning half), so that rules can be
tuned on one half and checked on the other."""
import json
import re
import subprocess
import sys


def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def holds(text, answers):
    t = norm(text)
    return any(norm(a) in t for a in answers if norm(a))


def main():
    quarry, db, qpath = sys.argv[1:4]
    half = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == "--half" else "all"
    qs = [json.loads(line) for line in open(qpath, encoding="utf-8")]
    if half != "all":
        want = 0 if half == "tune" else 1
        qs = [q for q in qs if int(q["id"], 16) % 2 == want]
    text = "".join(q["question"].replace("\n", " ") + "\n" for q in qs)
    out = subprocess.run([quarry, "ask", "--db", db, "--json", "--top", "5"],
                         input=text, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    if len(lines) != len(qs):
        sys.exit("expected %d answers, got %d: %s"
                 % (len(qs), len(lines), out.stderr[:300]))
    snip1 = hit1 = hit5 = 0
    for q, line in zip(qs, lines):
        res = json.loads(line)["results"]
        seen = [(r["snippet"] if len(r["answer"].encode()) > 600
                 else r["answer"])[:800] for r in res]
        if res and holds(res[0]["snippet"][:300], q["answers"]):
            snip1 += 1
        if seen and holds(seen[0], q["answers"]):
            hit1 += 1
        if any(holds(s, q["answers"]) for s in seen[:5]):
            hit5 += 1
    n = len(qs)
    print("%s half: %d questions  snip@1 %.3f  hit@1 %.3f  hit@5 %.3f"
          % (half, n, snip1 / n, hit1 / n, hit5 / n))


if __name__ == "__main__":
    main()
