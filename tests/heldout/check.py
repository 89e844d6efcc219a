#!/usr/bin/env python3
"""Validate the held-out set (standard library only); exit 1 on any problem.

Besides the format checks of tests/devset/check.py it checks that the corpus
is the devset's, that there are at least 150 answerable and 40 unanswerable
questions, that every record id is judged somewhere, and that no question
equals or nearly equals one in tests/devset/queries.jsonl (same words after
lower-casing and dropping punctuation, or a word-bigram Jaccard >= 0.6).
"""
import csv
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEVSET = os.path.join(HERE, "..", "devset")
errors = []


def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def words(s):
    return re.findall(r"[a-z0-9]+", s.lower())


def bigrams(s):
    w = words(s)
    return {(a, b) for a, b in zip(w, w[1:])} or {(x,) for x in w}


corpus = jsonl(os.path.join(HERE, "corpus.jsonl"))
if corpus != jsonl(os.path.join(DEVSET, "corpus.jsonl")):
    errors.append("corpus.jsonl differs from tests/devset/corpus.jsonl")
cids = {d["_id"] for d in corpus}
queries = jsonl(os.path.join(HERE, "queries.jsonl"))
qids = [q["_id"] for q in queries]
if len(set(qids)) != len(qids):
    errors.append("duplicate query ids")
for q in queries:
    if not re.fullmatch(r"[qu]\d{3}", q["_id"]) or not q["text"].strip():
        errors.append("bad query record %r" % q)

with open(os.path.join(HERE, "qrels", "test.tsv"), encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f, delimiter="\t"))
if rows[0] != ["query-id", "corpus-id", "score"]:
    errors.append("qrels header wrong")
judged = {}
for qid, cid, score in rows[1:]:
    if qid not in qids or cid not in cids or score not in ("1", "2"):
        errors.append("bad qrels row %s %s %s" % (qid, cid, score))
    judged.setdefault(qid, []).append((cid, score))
for qid in qids:
    if qid.startswith("q") and "2" not in [s for _, s in judged.get(qid, [])]:
        errors.append("%s: answerable without a score-2 judgment" % qid)
    if qid.startswith("u") and qid in judged:
        errors.append("%s: unanswerable with judgments" % qid)
nq = sum(1 for q in qids if q.startswith("q"))
nu = sum(1 for q in qids if q.startswith("u"))
if nq < 150 or nu < 40:
    errors.append("need >= 150 answerable and >= 40 unanswerable, have %d and %d" % (nq, nu))
unjudged = sorted(cids - {c for v in judged.values() for c, _ in v}, key=int)
if unjudged:
    errors.append("records never judged: %s" % unjudged)

texts = [q["text"] for q in queries]
norm = [" ".join(words(t)) for t in texts]
if len(set(norm)) != len(norm):
    errors.append("duplicate question texts")
dev = [q["text"] for q in jsonl(os.path.join(DEVSET, "queries.jsonl"))]
devnorm = {" ".join(words(t)): t for t in dev}
devbg = [(t, bigrams(t)) for t in dev]
for t in texts:
    if " ".join(words(t)) in devnorm:
        errors.append("same as a devset question: %r" % t)
        continue
    b = bigrams(t)
    for d, db in devbg:
        j = len(b & db) / len(b | db)
        if j >= 0.6:
            errors.append("near a devset question (%.2f): %r ~ %r" % (j, t, d))

print("answerable %d, unanswerable %d, judgments %d" % (nq, nu, len(rows) - 1))
for e in errors:
    print("ERROR:", e)
sys.exit(1 if errors else 0)
