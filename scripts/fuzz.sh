#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for SECONDS (default 60), starting from the
# seed corpora in fuzz/corpus/NAME. A crash leaves its input in build/fuzz/crashes/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target hirelm_fuzzers
mkdir -p build/fuzz/crashes
shopt -s nullglob
status=0
for target in build/fuzz/fuzz/*/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus="build/fuzz/corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "fuzz/corpus/$name" ] && seeds=("fuzz/corpus/$name")
  echo "fuzz: $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=20 -print_final_stats=0 \
      -artifact_prefix=build/fuzz/crashes/"$name"- "$corpus" "${seeds[@]}" >build/fuzz/"$name".log 2>&1; then
    echo "fuzz: $name FAILED; see build/fuzz/$name.log"
    tail -30 build/fuzz/"$name".log
    status=1
  fi
done
exit $status
