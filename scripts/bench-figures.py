#!/usr/bin/env python3
"""Prints the figures the README's "Results" section quotes, from a `cosma bench` CSV.

Usage: scripts/bench-figures.py bench/bench.csv [planner]
"""
import csv
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "bench/bench.csv"
planner = sys.argv[2] if len(sys.argv) > 2 else "auto"
nas = {"nasnetalarge", "pnasnet5large", "randwire_ws_small"}
rows = [r for r in csv.DictReader(open(path)) if r["planner"] == planner]


def avg(xs):
    return f"{sum(xs) / len(xs):.1f}% over {len(xs)}" if xs else "-"


def reductions(rs):
    return [float(r["reduction_percent"]) for r in rs if r["reduction_percent"]]


plain = [r for r in rows if r["model"] not in nas]
print("non-NAS at MR:", avg(reductions([r for r in plain if r["tier"] == "MR"])))
print("all at MR:", avg(reductions([r for r in rows if r["tier"] == "MR"])))
print("non-NAS, every tier:", avg(reductions(plain)))
proven = sorted(float(r["seconds"]) for r in plain if r["status"] == "optimal")
print(f"non-NAS proven: {len(proven)} of {len(plain)}, mean {sum(proven) / len(proven):.2f} s, "
      f"median {proven[len(proven) // 2] * 1000:.0f} ms, max {proven[-1]:.1f} s")
for r in plain:
    if r["status"] != "optimal":
        print(f"  not proven: {r['model']} {r['tier']} {r['weights']}: {r['non_compulsory_bytes']} B, "
              f"bound {r['bound_bytes']} B, best baseline {r['best_baseline_bytes']} B, {r['reduction_percent']}%")
big = [r for r in rows if r["model"] in nas and r["tier"] in ("MR", "MH")]
print("NAS at MR and MH:", avg(reductions(big)), f"max {max(float(r['seconds']) for r in big):.0f} s")
for r in big:
    print(f"  {r['model']} {r['tier']} {r['weights']}: {r['best_baseline_bytes']} -> {r['non_compulsory_bytes']} B "
          f"({r['reduction_percent'] or '-'}%), {float(r['seconds']):.0f} s")
