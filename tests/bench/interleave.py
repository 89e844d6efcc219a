#!/usr/bin/env python3
"""interleave.py ROUNDS CMD... : run the commands in turn, ROUNDS times, and print
each one's median, p10 and p90 wall time in ms (interleaved, so the
machine's drift falls on all of them alike)."""
import subprocess, sys, time, shlex, statistics
rounds = int(sys.argv[1]); cmds = sys.argv[2:]
t = {c: [] for c in cmds}
for c in cmds:  # warm-up
    subprocess.run(shlex.split(c), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for r in range(rounds):
    for c in cmds:
        a = time.perf_counter()
        subprocess.run(shlex.split(c), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t[c].append((time.perf_counter() - a) * 1000)
for c in cmds:
    v = sorted(t[c]); n = len(v)
    print(f"{statistics.median(v):7.2f} ms  p10 {v[n//10]:6.2f}  p90 {v[n*9//10]:6.2f}  {c}")
