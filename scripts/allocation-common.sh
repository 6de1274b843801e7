# Shared by the allocation benchmarks (scripts/minimalloc-table.sh, scripts/allocation-scale.sh),
# sourced after `cd` to the checkout: the release binary, a field of `cosma allocate`'s summary,
# and the exit status that a failed placement or check sets to 1.
cosma=.build/release/cosma
field() { grep -E "^$1 " | head -1 | sed -E "s/^$1 +//"; }
status=0
