#!/bin/bash
# Runs every fuzz target under libFuzzer for SECONDS each (default 60), starting from the corpus
# in Fuzz/corpus (new inputs go to a scratch folder; the repository's corpus is not changed).
# Prints one line per target: executions, new inputs, crashes. Exits 1 when any target crashed,
# leaving the crashing input in Fuzz/crashes/.
#
#   scripts/fuzz.sh [SECONDS]          (make fuzz builds the instrumented binary and runs this)
set -u
seconds=${1:-60}
binary=${COSMA_FUZZ_BINARY:-.build/fuzz/release/cosma-fuzz}
if [ ! -x "$binary" ]; then
  echo "error: $binary not built (run make fuzz)" >&2
  exit 2
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p Fuzz/crashes
crashed=0
for target in graph onnx accelerator plan csv; do
  mkdir -p "$scratch/$target"
  log="$scratch/$target.log"
  # Swift's backtracer would take the trap's signal before libFuzzer saves the input.
  SWIFT_BACKTRACE=enable=no COSMA_FUZZ_TARGET=$target "$binary" "$scratch/$target" "Fuzz/corpus/$target" \
    -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
    -artifact_prefix="Fuzz/crashes/$target-" -print_final_stats=1 >"$log" 2>&1
  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  found=$(ls "$scratch/$target" | wc -l)
  if [ $status -ne 0 ]; then
    crashed=1
    echo "$target: CRASH after ${runs:-?} executions (exit $status); input in Fuzz/crashes/:"
    grep -E "^(==[0-9]+==|Fatal error|SUMMARY|.*error:)" "$log" | head -5
  else
    echo "$target: ${runs:-?} executions in ${seconds} s, $found new inputs, no crash"
  fi
done
exit $crashed
