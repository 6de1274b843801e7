#!/usr/bin/env python3
"""Writes a MiniMalloc CSV instance of N buffers shaped like a network's activations: buffers are
produced one or two per step, most die within a few steps (a layer's output read by the next),
some live long (skip connections, the fans of a NAS cell), a few span the whole run (inputs and
state); sizes are log-uniform between 1 KiB and 4 MiB in multiples of 64 B. Seeded.

Usage: scripts/allocation-instance.py N [seed] > instance.csv
"""
import random
import sys

n = int(sys.argv[1])
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
print("id,lower,upper,size")
step = 0
for i in range(n):
    if rng.random() < 0.6:
        step += 1
    r = rng.random()
    if r < 0.75:
        life = rng.randint(1, 4)
    elif r < 0.97:
        life = rng.randint(5, 60)
    else:
        life = rng.randint(200, 2000)
    size = int(2 ** rng.uniform(10, 22)) // 64 * 64 + 64
    print(f"{i},{step},{step + life},{size}")
