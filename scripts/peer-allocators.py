#!/usr/bin/env python3
"""Places MiniMalloc CSV instances with OmniMalloc's allocators (pip install omnimalloc), the
peers of `cosma allocate --minimize-capacity`: SuperMalloc (its portfolio branch and bound, with
the same time limit) and greedy by size (TFLite's). Each placement is written with an offset
column and checked by scripts/check-allocation.py. Prints a Markdown table.

Usage: scripts/peer-allocators.py SECONDS INSTANCE.csv...   (make bench-alloc runs it when
omnimalloc imports; OMNIMALLOC_PYTHON names another interpreter)
"""
import csv
import os
import subprocess
import sys
import tempfile
import time

import omnimalloc
from omnimalloc.allocators import SupermallocAllocator

here = os.path.dirname(os.path.abspath(__file__))


def read(path):
    with open(path, newline="") as f:
        return [{k: int(v) for k, v in r.items() if k in ("id", "lower", "upper", "size")} for r in csv.DictReader(f)]


def peak(rows):
    events = sorted([(r["lower"], r["size"]) for r in rows] + [(r["upper"], -r["size"]) for r in rows])
    live = best = 0
    for _, d in events:
        live += d
        best = max(best, live)
    return best


def run(rows, allocator):
    items = [omnimalloc.Allocation(id=r["id"], size=r["size"], start=r["lower"], end=r["upper"]) for r in rows]
    started = time.monotonic()
    placed = omnimalloc.allocate(items, allocator)
    seconds = time.monotonic() - started
    offsets = {a.id: a.offset for a in placed}
    arena = max(r["size"] + offsets[r["id"]] for r in rows)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("id,lower,upper,size,offset\n")
        for r in rows:
            f.write(f"{r['id']},{r['lower']},{r['upper']},{r['size']},{offsets[r['id']]}\n")
    check = subprocess.run([sys.executable, os.path.join(here, "check-allocation.py"), f.name, str(arena)],
                           capture_output=True, text=True)
    os.unlink(f.name)
    return arena, seconds, "ok" if check.returncode == 0 else "FAILED: " + check.stdout.strip().splitlines()[0]


def main():
    seconds = float(sys.argv[1])
    print("| instance | buffers | peak live B | allocator | arena B | efficiency | seconds | independent check |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: | --- |")
    status = 0
    for path in sys.argv[2:]:
        rows = read(path)
        low = peak(rows)
        name = os.path.basename(path).removesuffix(".csv")
        for label, allocator in [("SuperMalloc", SupermallocAllocator(timeout=seconds, num_threads=2)),
                                 ("greedy by size", "greedy_by_size")]:
            arena, took, check = run(rows, allocator)
            status |= check != "ok"
            print(f"| {name} | {len(rows)} | {low:,} | {label} | {arena:,} | {low / arena * 100:.1f}% | {took:.2f} s | {check} |")
    sys.exit(status)


if __name__ == "__main__":
    main()
