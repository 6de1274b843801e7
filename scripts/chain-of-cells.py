#!/usr/bin/env python3
"""Writes a cosma-graph of N operators: a long chain of random cells (issue: a 5,000-operator
graph for the automatic planner). Each cell reads the previous two cells' outputs, as NASNet's
cells do, through 4-8 operators with random wiring, weights and sizes.

Usage: scripts/chain-of-cells.py 5000 [seed] > chain5000.json
"""
import json
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
tensors = [{"name": "x", "kind": "input", "bytes": 64 * 1024}]
operators = []
prev = ["x", "x"]
cell = 0
while len(operators) < n:
    size = rng.choice([16, 32, 48, 64]) * 1024
    pool = list(dict.fromkeys(prev))
    made = []
    for k in range(min(rng.randint(4, 8), n - len(operators))):
        name = f"c{cell}_op{k}"
        ins = rng.sample(pool, min(len(pool), rng.choice([1, 2])))
        if rng.random() < 0.7:
            w = f"{name}_w"
            tensors.append({"name": w, "kind": "weight", "bytes": rng.choice([2, 4, 9, 18]) * 1024})
            ins.append(w)
        out = f"{name}_out"
        tensors.append({"name": out, "kind": "activation", "bytes": size})
        operators.append({"name": name, "type": "conv" if len(ins) > 1 else "pool", "inputs": ins, "outputs": [out],
                          "macs": size * 64})
        pool.append(out)
        made.append(out)
    # The cell's output concatenates what nothing inside it read, as NASNet's cells do.
    read = {i for o in operators[-len(made):] for i in o["inputs"]}
    ends = [m for m in made if m not in read] or made[-1:]
    if len(ends) > 1 and len(operators) < n:
        out = f"c{cell}_concat"
        tensors.append({"name": out, "kind": "activation", "bytes": size * len(ends)})
        operators.append({"name": out, "type": "concat", "inputs": ends, "outputs": [out]})
        ends = [out]
    prev = [prev[1], ends[-1]]
    cell += 1
for t in tensors:
    if t["name"] == prev[1]:
        t["kind"] = "output"
print(json.dumps({"format": "cosma-graph", "version": 1, "name": f"chain-of-cells-{n}",
                  "source": "scripts/chain-of-cells.py", "tensors": tensors, "operators": operators}))
