#!/usr/bin/env bash
# Offset allocation at scale: network-shaped instances of 10,000, 100,000 and 1,000,000 buffers
# (scripts/allocation-instance.py, seeds 1 and 2), each placed in the smallest arena found by
# `cosma allocate --minimize-capacity --time-limit 10`, checked by scripts/check-allocation.py.
# Prints a Markdown table: peak live bytes (the lower bound), the best greedy placement (best and
# first fit over four orders), COSMA's arena, its efficiency (peak live / arena), time and memory. Exits 1 when a placement
# fails the check.
#   usage: scripts/allocation-scale.sh [work-directory]   (run `make release` first)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/allocation-common.sh
work=${1:-$(mktemp -d)}
mkdir -p "$work"
echo "| buffers | seed | peak live B | greedy B | COSMA B | efficiency | seconds | memory | independent check |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for n in 10000 100000 1000000; do
  for seed in 1 2; do
    instance="$work/scale-$n-$seed.csv"
    placed="$work/scale-$n-$seed.placed.csv"
    python3 scripts/allocation-instance.py "$n" "$seed" > "$instance"
    log=$( { /usr/bin/time -f "rss %M" $cosma allocate "$instance" --minimize-capacity --time-limit 10 -o "$placed"; } 2>&1 ) || status=1
    peak=$(echo "$log" | field instance | sed -E 's/.*peak live ([0-9,]+) B.*/\1/')
    greedy=$(echo "$log" | field greedy | sed -E 's/needs ([0-9,]+) B.*/\1/')
    arena=$(echo "$log" | field capacity | sed -E 's/([0-9,]+) B.*/\1/')
    seconds=$(echo "$log" | field time)
    rss=$(echo "$log" | grep -E "^rss " | awk '{printf "%.0f MB", $2 / 1024}')
    efficiency=$(python3 -c "print(f'{int(\"${peak//,/}\") / int(\"${arena//,/}\") * 100:.1f}%')")
    if check=$(python3 scripts/check-allocation.py "$placed" "${arena//,/}" 2>&1); then :; else check="FAILED: $check"; status=1; fi
    echo "| $n | $seed | $peak | $greedy | $arena | $efficiency | $seconds | $rss | $check |"
  done
done
exit $status
