#!/usr/bin/env python3
"""Prints the README's table of the transformer and irregular-graph quality targets from a
`cosma bench` CSV: for each instance, the plan, the bound, the gap, the time and the target
(nn.Transformer within 5% of its bound, the generated transformers and the NAS graphs within
10%, at MR and MH).

Usage: scripts/quality-table.py bench/bench.csv
"""
import csv
import sys

targets = {
    "bert_base_s128": 10, "gpt2_small_s128": 10, "llama_block_s2048": 10,
    "nasnetalarge": 10, "pnasnet5large": 10, "randwire_ws_small": 10, "transformer": 5,
}
rows = [r for r in csv.DictReader(open(sys.argv[1] if len(sys.argv) > 1 else "bench/bench.csv"))
        if r["planner"] == "auto" and r["model"] in targets and r["tier"] in ("MR", "MH")]
print("| model | tier | weights | plan B | bound B | gap | s | target | met |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
order = {"MR": 0, "MH": 1}
for r in sorted(rows, key=lambda r: (r["model"], order[r["tier"]], r["weights"] != "scratchpad")):
    plan = int(r["non_compulsory_bytes"])
    bound = int(r["bound_bytes"] or 0)
    gap = 0.0 if plan == 0 else (plan - bound) / plan * 100
    target = targets[r["model"]]
    print(f"| {r['model']} | {r['tier']} | {r['weights']} | {plan:,} | {bound:,} | {gap:.1f}% | "
          f"{float(r['seconds']):.1f} | ≤ {target}% | {'yes' if gap <= target else 'no'} |")
