#!/usr/bin/env python3
"""Run the scripted chat conversations of tests/followup through `quarry chat`.

    python3 tests/quality/followups.py [--quarry ./quarry] [--db PATH]
                                       [--min N] [-- extra chat options]

Each conversation is piped to `quarry chat --json` (one question a line, one
JSON object back per line) in a fresh process. Without --db the index is the
one quarry builds from its bundled corpus, in a temporary cache directory.
A conversation is right when every follow-up turn (a turn with "expect") is
answered (not declined) with one of the expected record ids at rank 1.
Prints "N of 20 right at rank 1", the failures, and the follow-ups that show
again the answer of the turn before when that answer is not an expected one.
Exit status: 0, or 1 with --min N when fewer than N are right, 2 on a
quarry failure. Standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CONV = os.path.join(ROOT, "tests", "followup", "conversations.jsonl")


def run_chat(quarry, db, extra, turns, env):
    cmd = [quarry, "chat", "--json", "--top", "3"] + (["--db", db] if db else []) + extra
    p = subprocess.run(cmd, input="".join(t["q"] + "\n" for t in turns),
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit("followups: %s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    out = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    if len(out) != len(turns):
        sys.exit("followups: %d replies for %d turns" % (len(out), len(turns)))
    return out


def top(reply):
    res = reply.get("results") or []
    return res[0]["id"] if res else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quarry", default=os.path.join(ROOT, "quarry"))
    ap.add_argument("--db")
    ap.add_argument("--min", type=int)
    ap.add_argument("extra", nargs="*", help="more options for quarry chat (after --)")
    a = ap.parse_args()
    with open(CONV, encoding="utf-8") as f:
        convs = [json.loads(line) for line in f if line.strip()]
    env = dict(os.environ)
    tmp = tempfile.TemporaryDirectory()
    if not a.db:
        env["XDG_CACHE_HOME"] = tmp.name
    right, fails, repeats = 0, [], []
    per_kind = {}
    for c in convs:
        out = run_chat(a.quarry, a.db, a.extra, c["turns"], env)
        ok = True
        for i, (t, r) in enumerate(zip(c["turns"], out)):
            if "expect" not in t:
                continue
            got = top(r)
            if not (r.get("answered") and got in t["expect"]):
                ok = False
                fails.append("%s turn %d %r (searched %r): %s at rank 1, %s; expected %s"
                             % (c["id"], i + 1, t["q"], r.get("resolved"), got,
                                "answered" if r.get("answered") else "declined",
                                "/".join(t["expect"])))
            prev = top(out[i - 1]) if i > 0 else None
            if got is not None and got == prev and got not in t["expect"]:
                repeats.append("%s turn %d %r: shows %s again" % (c["id"], i + 1, t["q"], got))
        right += ok
        k = per_kind.setdefault(c["kind"], [0, 0])
        k[0] += ok
        k[1] += 1
    print("%d of %d right at rank 1 (%s)" % (right, len(convs), ", ".join(
        "%s %d/%d" % (k, v[0], v[1]) for k, v in sorted(per_kind.items()))))
    for f in fails:
        print("  wrong: " + f)
    print("%d follow-up%s repeat the answer already shown" % (len(repeats), "" if len(repeats) == 1 else "s"))
    for r in repeats:
        print("  repeat: " + r)
    tmp.cleanup()
    return 1 if a.min is not None and right < a.min else 0


if __name__ == "__main__":
    sys.exit(main())
