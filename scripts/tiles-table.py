#!/usr/bin/env python3
"""Prints the README's "Below M_R" table from a `cosma bench` CSV of `make bench-tiles`: per model
and scratchpad, COSMA's non-compulsory bytes, the tiled baseline's (default order, Belady), the
bound COSMA proved for its tiling, and COSMA's time; or why the instance does not plan.

Usage: scripts/tiles-table.py bench/tiles/bench.csv
"""
import csv
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "bench/tiles/bench.csv"
rows = list(csv.DictReader(open(path)))
sizes = sorted({int(r["tier"]) for r in rows}, reverse=True)
models = sorted({r["model"] for r in rows})


def label(n):
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


def cell(model, size):
    mine = [r for r in rows if r["model"] == model and int(r["tier"]) == size]
    auto = next((r for r in mine if r["planner"] == "auto"), None)
    base = next((r for r in mine if r["planner"] == "default-belady"), None)
    if auto is None or auto["status"].startswith("failed") or not auto["non_compulsory_bytes"]:
        return "below M_T"
    plan = int(auto["non_compulsory_bytes"])
    bound = int(auto["bound_bytes"]) if auto["bound_bytes"] else 0
    baseline = f"{int(base['non_compulsory_bytes']):,}" if base and base["non_compulsory_bytes"] else "–"
    proof = "optimal" if auto["status"] == "optimal" else f"≥ {bound:,}"
    return f"{plan:,} / {baseline} ({proof}; {float(auto['seconds']):.1f} s)"


print("| model | " + " | ".join(label(s) for s in sizes) + " |")
print("| --- | " + " | ".join("---:" for _ in sizes) + " |")
for m in models:
    print(f"| {m} | " + " | ".join(cell(m, s) for s in sizes) + " |")
