#!/usr/bin/env bash
# The main job: screen the example resumes (Chinese and English) against the example job description with
# `hirelm screen`, print the ranked table, and export a spreadsheet-ready CSV.
#
# Model: $HIRELM_MODEL (a .gguf file, a Hugging Face directory or hf:OWNER/NAME) when set, for example the real
# deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B. Without it (no weights can be downloaded on this machine) the demo
# writes a tiny random-weight model with the real tokenizer and chat template: the whole flow runs, but random
# weights never produce a score, so every candidate ends as `no_score` - that is the honest outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
hirelm=${HIRELM_BIN:-build/release/hirelm}
work=${HIRELM_DEMO_DIR:-/tmp/hirelm-demo}
mkdir -p "$work"

model=${HIRELM_MODEL:-}
limits=()
if [[ -z "$model" ]]; then
  model=$work/tiny-random.gguf
  [[ -f "$model" ]] || "$hirelm" model synth --like tiny --dtype q8_0 -o "$model"
  echo "== no HIRELM_MODEL set: using $model (random weights; scores will be no_score)"
  # Random weights never close their reasoning, so short limits keep the demo to a minute or two.
  limits=(--max-tokens 192,256,128)
fi

rm -f "$work/demo.db" "$work/demo.db-wal" "$work/demo.db-shm"
"$hirelm" screen --model "$model" --job examples/screening/job.md --resumes examples/screening/resumes \
  --db "$work/demo.db" --out "$work/candidates.csv" --samples 3 "${limits[@]}"
echo "== exported: $work/candidates.csv (UTF-8 with BOM: opens in Excel and LibreOffice)"
