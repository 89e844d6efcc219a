#!/usr/bin/env python3
"""prose_eval.py - passages and snippets on prose, judged by answer spans.

Indexes DIR/docs/ with `quarry index` as a user would (quarry chooses its
own passages), asks every question of DIR/questions.jsonl in one batch
(`quarry ask --json --top 5` on stdin), and scores what a reader sees for
each result, as plain output shows it: a passage's snippet, a Q&A
record's answer unless it is over 600 bytes (then its snippet), cut to 800
characters.  hit@k: an answer span (case-insensitive, runs of white space
as one space) is in one of the first k results.  snippet@1 judges the
first 300 characters of the first result's snippet alone.

--paragraphs hands quarry the articles' own paragraphs instead, as JSON
Lines records (title as question, paragraph as answer; shown whole when
600 bytes or less), as FTS5 gets them: the snippet rules measured apart
from quarry's choice of passages.

In the same run SQLite FTS5 (porter unicode61, bm25, all question words
OR-ed) is scored the same way over the articles' own paragraphs (title +
paragraph as the record; the paragraph is what is shown), with its
snippet() of 40 tokens for snippet@1.

The questions are split into two fixed halves by sha1(id): even = tune
(what passage sizes and snippet rules may be chosen on), odd = report.
The snippet rules were first tuned on another split (an even hexadecimal
id), so the row "fresh" scores the report questions that split held out
too: about a quarter of the questions, unseen by every tuning.

--full scores what `ask --full` shows instead: every result's whole text,
cut to 800 characters (snippet@1 is the same either way).

usage: prose_eval.py [--quarry ./quarry] [--paragraphs] [--full] [--no-fts5] [DIR]
(default ../shared/eval-prose/squad); QUARRY_PASSAGE_BYTES passes through
to the index build.
"""
import argparse
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

SHOWN = 800
SNIPPET_SHOWN = 300
LONG_ANSWER = 600  # cli.h CLI_LONG_ANSWER


def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()


def half(qid):
    return "tune" if int(hashlib.sha1(qid.encode()).hexdigest(), 16) % 2 == 0 else "report"


def in_part(qid, part):
    if part == "all":
        return True
    if part == "fresh":
        return half(qid) == "report" and int(qid, 16) % 2 == 1
    return half(qid) == part


def seen(r, full):
    """What plain output shows of result r (cli/output.c print_answer_text),
    or with full what --full shows."""
    long = len(r["answer"].encode()) > LONG_ANSWER
    snip = not full and (r.get("kind") == "passage" or long)
    return (r["snippet"] if snip else r["answer"])[:SHOWN]


def hit(texts, answers):
    """Rank (1-based) of the first text holding an answer, else 0."""
    for i, t in enumerate(texts):
        t = norm(t)
        if any(a and a in t for a in answers):
            return i + 1
    return 0


def run_quarry(quarry, docs, questions, tmp, as_records, full):
    db = os.path.join(tmp, "prose.db")
    src = docs
    if as_records:
        src = os.path.join(tmp, "paragraphs.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            for i, (title, p) in enumerate(paragraphs(docs)):
                f.write(json.dumps({"id": str(i + 1), "question": title, "answer": p}) + "\n")
    subprocess.run([quarry, "index", "-q", "--db", db, src], check=True)
    stdin = "".join(q["question"].replace("\n", " ") + "\n" for q in questions)
    out = subprocess.run([quarry, "ask", "--db", db, "--json", "--top", "5"],
                         input=stdin, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit("quarry ask failed: " + out.stderr)
    lines = out.stdout.splitlines()
    if len(lines) != len(questions):
        sys.exit("quarry ask: %d answers to %d questions" % (len(lines), len(questions)))
    shown, snips = [], []
    for line in lines:
        res = json.loads(line).get("results", [])
        shown.append([seen(r, full) for r in res])
        snips.append([r["snippet"][:SNIPPET_SHOWN] for r in res])
    return shown, snips


def paragraphs(docs):
    for name in sorted(os.listdir(docs)):
        with open(os.path.join(docs, name), encoding="utf-8") as f:
            text = f.read()
        paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        title = paras[0]
        for p in paras[1:]:
            yield title, p


def run_fts5(docs, questions):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, "
               "tokenize='porter unicode61')")
    db.executemany("INSERT INTO t VALUES(?, ?)", paragraphs(docs))
    shown, snips = [], []
    for q in questions:
        words = re.findall(r"\w+", q["question"])
        expr = " OR ".join('"%s"' % w for w in words) or '""'
        rows = db.execute("SELECT body, snippet(t, 1, '', '', '...', 40) FROM t "
                          "WHERE t MATCH ? ORDER BY bm25(t) LIMIT 5", (expr,)).fetchall()
        shown.append([r[0][:SHOWN] for r in rows])
        snips.append([r[1][:SNIPPET_SHOWN] for r in rows])
    return shown, snips


def score(questions, shown, snips, part):
    idx = [i for i, q in enumerate(questions) if in_part(q["id"], part)]
    h1 = h5 = s1 = 0
    for i in idx:
        answers = [norm(a) for a in questions[i]["answers"]]
        r = hit(shown[i], answers)
        h1 += r == 1
        h5 += 1 <= r <= 5
        s1 += bool(snips[i]) and hit(snips[i][:1], answers) == 1
    n = max(len(idx), 1)
    return len(idx), h1 / n, h5 / n, (s1 / n if any(snips[i] for i in idx) else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quarry", default="./quarry")
    ap.add_argument("--no-fts5", action="store_true")
    ap.add_argument("--paragraphs", action="store_true",
                    help="index the articles' paragraphs as records, not docs/")
    ap.add_argument("--full", action="store_true",
                    help="score what --full shows (the whole text, cut to 800 characters)")
    ap.add_argument("dir", nargs="?", default="../shared/eval-prose/squad")
    a = ap.parse_args()
    docs = os.path.join(a.dir, "docs")
    with open(os.path.join(a.dir, "questions.jsonl"), encoding="utf-8") as f:
        questions = [json.loads(l) for l in f if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        systems = [("quarry",) + run_quarry(a.quarry, docs, questions, tmp,
                                             a.paragraphs, a.full)]
    if not a.no_fts5:
        systems.append(("fts5",) + run_fts5(docs, questions))
    print("%-8s %-7s %5s %7s %7s %12s" % ("system", "half", "n", "hit@1", "hit@5",
                                           "snippet@1"))
    for name, shown, snips in systems:
        for part in ("tune", "report", "fresh", "all"):
            n, h1, h5, s1 = score(questions, shown, snips, part)
            print("%-8s %-7s %5d %7.3f %7.3f %12s" % (
                name, part, n, h1, h5, "-" if s1 is None else "%.3f" % s1))


if __name__ == "__main__":
    main()
