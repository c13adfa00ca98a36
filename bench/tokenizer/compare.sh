#!/usr/bin/env bash
# Prints hirelm's and Hugging Face tokenizers' single-thread encode throughput side by side, on the same
# ~1 MiB mixed Chinese/English resume text, chunked by line.
#   bench/tokenizer/compare.sh [BUILD_DIR] [TOKENIZER_DIR]
# Two rows each: chunked by line (one encode call per line), then the whole text in one call.
# BUILD_DIR defaults to build/release (must contain bench/tokenizer/tokenizer_bench); TOKENIZER_DIR to the
# reference DeepSeek-R1-Distill-Qwen tokenizer. Needs node and `npm ci` (node_modules/tokenizers).
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build/release}"
model="${2:-${HIRELM_REFERENCE_DIR:-../shared/reference}/deepseek-r1-distill-qwen-1.5b}"
bench="$build/bench/tokenizer/tokenizer_bench"
[ -x "$bench" ] || { echo "compare.sh: $bench not built (cmake --build $build --target tokenizer_bench)" >&2; exit 2; }
[ -d node_modules/tokenizers ] || { echo "compare.sh: node_modules/tokenizers missing (run npm ci)" >&2; exit 2; }
input="$(mktemp /tmp/hirelm-tokenizer-bench-XXXXXX.txt)"
trap 'rm -f "$input"' EXIT
echo "== per line"
"$bench" --tokenizer "$model" --write-input "$input"
node bench/tokenizer/hf_bench.js "$model/tokenizer.json" "$input"
echo "== whole text in one call"
"$bench" --tokenizer "$model" --whole
node bench/tokenizer/hf_bench.js "$model/tokenizer.json" "$input" 5 --whole
