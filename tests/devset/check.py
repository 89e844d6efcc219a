#!/usr/bin/env python3
"""Validate the devset files (standard library only). Exit 1 on any error."""
import csv
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
errors = []


def load_jsonl(name):
    out = []
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            try:
                out.append(json.loads(line))
            except ValueError as e:
                errors.append("%s:%d: bad JSON: %s" % (name, n, e))
    return out


corpus = load_jsonl("corpus.jsonl")
queries = load_jsonl("queries.jsonl")
cids = [d.get("_id") for d in corpus]
if cids != [str(i) for i in range(1, 91)]:
    errors.append("corpus ids are not 1..90 in order")
for d in corpus:
    if not d.get("title", "").strip() or not d.get("text", "").strip():
        errors.append("corpus %s: empty title or text" % d.get("_id"))
qids = [q.get("_id") for q in queries]
if len(set(qids)) != len(qids):
    errors.append("duplicate query ids")
texts = [q.get("text", "").strip().lower() for q in queries]
if len(set(texts)) != len(texts):
    errors.append("duplicate query texts")
for q in queries:
    if not re.fullmatch(r"[qu]\d{3}", q.get("_id", "")) or not q.get("text", "").strip():
        errors.append("bad query record %r" % q)

judged = {}
with open(os.path.join(HERE, "qrels", "test.tsv"), encoding="utf-8", newline="") as f:
    rows = list(csv.reader(f, delimiter="\t"))
if rows[0] != ["query-id", "corpus-id", "score"]:
    errors.append("qrels header wrong: %r" % rows[0])
seen = set()
for r in rows[1:]:
    if len(r) != 3:
        errors.append("qrels row %r" % r)
        continue
    qid, cid, score = r
    if qid not in qids:
        errors.append("qrels: unknown query %s" % qid)
    if cid not in cids:
        errors.append("qrels: unknown corpus id %s" % cid)
    if score not in ("1", "2"):
        errors.append("qrels: bad score %r" % r)
    if (qid, cid) in seen:
        errors.append("qrels: duplicate pair %s %s" % (qid, cid))
    seen.add((qid, cid))
    judged.setdefault(qid, []).append(int(score))
for qid in qids:
    if qid.startswith("q") and 2 not in judged.get(qid, []):
        errors.append("%s: answerable query without a score-2 judgment" % qid)
    if qid.startswith("u") and qid in judged:
        errors.append("%s: unanswerable query has judgments" % qid)

covered = {cid for (_, cid) in seen}
missing = [c for c in cids if c not in covered]
nq = sum(1 for q in qids if q.startswith("q"))
nu = sum(1 for q in qids if q.startswith("u"))
print("corpus %d, answerable %d, unanswerable %d, judgments %d (score2 %d, score1 %d)"
      % (len(corpus), nq, nu, len(seen),
         sum(v.count(2) for v in judged.values()), sum(v.count(1) for v in judged.values())))
best = {c for (q, c) in seen if q.startswith("q")}
print("corpus entries never judged:", missing or "none")
for e in errors:
    print("ERROR:", e)
sys.exit(1 if errors else 0)
