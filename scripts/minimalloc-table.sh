#!/usr/bin/env bash
# The MiniMalloc challenging suite: every instance placed by `cosma allocate` within 1 MiB on
# every core and on one, each placement checked again by scripts/check-allocation.py (which
# shares no code with COSMA), then the smallest arena (`--minimize-capacity --time-limit 10`).
# Prints a Markdown table on stdout; exits 1 if an instance is not placed, fails the check, or
# gets other offsets on one thread.
#   usage: scripts/minimalloc-table.sh [output-directory]   (run `make release` first)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/allocation-common.sh
out=${1:-$(mktemp -d)}
mkdir -p "$out"
echo "| instance | buffers | best-fit needs | all cores | 1 thread | independent check | same offsets on 1 thread | smallest arena | time |"
echo "| --- | ---: | ---: | ---: | ---: | --- | --- | --- | ---: |"
for f in benchmarks/minimalloc/*.1048576.csv; do
  name=$(basename "$f" .1048576.csv)
  row="| $name"
  for threads in "" 1; do
    placed="$out/$name${threads:+.$threads}.csv"
    log=$($cosma allocate "$f" --capacity 1048576 --time-limit 300 ${threads:+--threads $threads} -o "$placed" 2>&1) || status=1
    if [ -z "$threads" ]; then
      buffers=$(echo "$log" | field instance | sed -E 's/.*: ([0-9]+) buffers.*/\1/')
      greedy=$(echo "$log" | field best-fit | sed -E 's/needs //; s/ \(.*//')
      row="$row | $buffers | $greedy"
    fi
    if echo "$log" | grep -q "^placed"; then row="$row | $(echo "$log" | field time)"; else row="$row | not placed"; fi
  done
  if check=$(python3 scripts/check-allocation.py "$out/$name.csv" 1048576 2>&1); then
    row="$row | $check"
  else
    row="$row | FAILED: $(echo "$check" | head -1)"
    status=1
  fi
  if cmp -s "$out/$name.csv" "$out/$name.1.csv"; then row="$row | yes"; else row="$row | no"; status=1; fi
  smallest="$out/$name.smallest.csv"
  log=$($cosma allocate "$f" --minimize-capacity --time-limit 10 -o "$smallest" 2>&1) || status=1
  arena=$(echo "$log" | field capacity)
  if ! python3 scripts/check-allocation.py "$smallest" "$(echo "$arena" | sed -E 's/ B.*//; s/,//g')" > /dev/null 2>&1; then
    arena="FAILED the check: $arena"
    status=1
  fi
  echo "$row | $arena | $(echo "$log" | field time) |"
done
exit $status
