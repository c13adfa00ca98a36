#!/usr/bin/env bash
# Issue 4's engine figures on one idle machine: pp512/tg128 and peak RSS for every weight type, batched
# generation for Q8_0, and the kernel micro-benchmarks against the machine's limits (docs/performance.md).
#
#   bash bench/engine/bench_models.sh BUILD_DIR [OUT_DIR]
#
# Writes the synthetic real-shape models to /tmp/r1-TYPE.gguf once (1-3.6 GB each). Takes about 30 minutes.
# Do not run anything else meanwhile: the machine has 2 cores.
set -euo pipefail
build=${1:?build dir}; out=${2:-/tmp/hirelm-bench-models}
mkdir -p "$out"
hirelm=$build/hirelm
for t in q8_0 q4_0 q4_k_m f16 bf16; do
  [ -f "/tmp/r1-$t.gguf" ] || "$hirelm" model synth --like deepseek-r1-distill-qwen-1.5b --dtype "$t" -o "/tmp/r1-$t.gguf"
done
for t in q8_0 q4_0 q4_k_m f16 bf16; do
  /usr/bin/time -v "$hirelm" bench -m "/tmp/r1-$t.gguf" -p 512 -n 128 -t 2 -r 3 >"$out/bench-$t.txt" 2>"$out/bench-$t.time"
  grep -E "pp512|tg128" "$out/bench-$t.txt"
  grep "Maximum resident" "$out/bench-$t.time"
done
/usr/bin/time -v "$hirelm" bench -m /tmp/r1-q8_0.gguf -t 2 --parallel 1,4,8,16 >"$out/parallel-q8_0.txt" 2>"$out/parallel-q8_0.time"
cat "$out/parallel-q8_0.txt"
grep "Maximum resident" "$out/parallel-q8_0.time"
"$build/bench/kernels/kernels_bench" --benchmark_filter='machine|/(1536x1536|8960x1536|1536x8960)/tokens:(1|16|512)/' \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true >"$out/kernels.txt" 2>&1
grep -E "^machine|median" "$out/kernels.txt"
