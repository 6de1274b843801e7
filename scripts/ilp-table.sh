#!/usr/bin/env bash
# The ILP against the best of the four baselines on every non-NAS model, both weights modes and
# the three budget tiers. Prints a Markdown table on stdout. Until `cosma bench` exists.
#   usage: scripts/ilp-table.sh [time-limit-seconds]   (run `make release` first)
set -euo pipefail
cd "$(dirname "$0")/.."
limit=${1:-60}
cosma=.build/release/cosma
field() { grep -E "^$1 " | head -1 | sed -E "s/^$1 +//"; }
bytes() { sed -E 's/ B.*//; s/,//g'; }
echo "| model | weights | tier | budget B | best baseline B | ILP B | reduction | status | seconds | variables | rows |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
for f in Models/*.json; do
  m=$(basename "$f" .json)
  case $m in nasnetalarge|pnasnet5large|randwire_ws_small) continue ;; esac
  for w in scratchpad external; do
    for t in MR MH MP; do
      base=$($cosma optimize "$f" --scratchpad $t --weights $w --planner best-baseline 2>&1)
      ilp=$($cosma optimize "$f" --scratchpad $t --weights $w --planner ilp --time-limit "$limit" 2>&1)
      budget=$(echo "$base" | field scratchpad | bytes)
      b=$(echo "$base" | field non-compulsory | bytes)
      i=$(echo "$ilp" | field non-compulsory | bytes)
      status=$(echo "$ilp" | field planner | sed -E 's/.*\((optimal|feasible|heuristic)\)$/\1/')
      secs=$(echo "$ilp" | field time)
      model=$(echo "$ilp" | field ILP || true)
      vars=$(echo "$model" | sed -E 's/ variables.*//')
      rows=$(echo "$model" | sed -E 's/.*variables, ([0-9,]+) rows.*/\1/')
      if [ "$b" -gt 0 ]; then red=$(awk -v b="$b" -v i="$i" 'BEGIN { printf "%.1f%%", 100 * (b - i) / b }'); else red="-"; fi
      echo "| $m | $w | $t | $budget | $b | $i | $red | $status | $secs | ${vars:--} | ${rows:--} |"
    done
  done
done
