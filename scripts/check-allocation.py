#!/usr/bin/env python3
"""Independent overlap check of an offset allocation (MiniMalloc CSV with an offset column).

Usage: scripts/check-allocation.py PLACED.csv CAPACITY

Shares no code with COSMA: reads id,lower,upper,size,offset (half-open lifetimes) and reports
every pair of buffers live at the same time whose byte ranges meet, and every buffer outside
[0, CAPACITY). Exit 0 when there is none, 1 otherwise.
"""
import csv
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    capacity = int(sys.argv[2])
    with open(sys.argv[1], newline="") as f:
        rows = [{k: int(v) for k, v in r.items()} for r in csv.DictReader(f)]
    problems = []
    for r in rows:
        if r["offset"] < 0 or r["offset"] + r["size"] > capacity:
            problems.append(f"buffer {r['id']} at [{r['offset']}, {r['offset'] + r['size']}) is outside the capacity")
    # Sweep over time: compare each buffer with those already live when it starts.
    rows.sort(key=lambda r: r["lower"])
    live = []
    for r in rows:
        live = [q for q in live if q["upper"] > r["lower"]]
        for q in live:
            if r["offset"] < q["offset"] + q["size"] and q["offset"] < r["offset"] + r["size"]:
                problems.append(f"buffers {q['id']} and {r['id']} overlap in time and in bytes")
        live.append(r)
    for p in problems:
        print(p)
    print(f"{len(rows)} buffers, {len(problems)} problems, highest end {max(r['offset'] + r['size'] for r in rows)}")
    sys.exit(1 if problems else 0)


main()
