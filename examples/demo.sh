#!/usr/bin/env bash
# The current main job: render a sample screening chat through the model's chat template, then tokenize the
# rendered prompt exactly as DeepSeek-R1-Distill-Qwen-1.5B was trained. Later issues turn this into screening.
set -euo pipefail
cd "$(dirname "$0")/.."
hirelm=build/release/hirelm
model="${HIRELM_MODEL_DIR:-${HIRELM_REFERENCE_DIR:-../shared/reference}/deepseek-r1-distill-qwen-1.5b}"

prompt=$("$hirelm" template --model "$model" < examples/chat.json)
echo "== rendered prompt"
printf '%s\n' "$prompt"
echo "== token ids"
printf '%s' "$prompt" | python3 -c 'import json,sys; print(json.dumps({"text": sys.stdin.read()}, ensure_ascii=False))' \
  | "$hirelm" tokenize --tokenizer "$model"
