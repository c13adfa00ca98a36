#!/usr/bin/env bash
# End-to-end serving benchmark (issue 5): starts `hirelm serve` on a model and runs ../shared/tools/loadgen.py
# against it, once per configuration, printing loadgen's JSON summary line for each.
#
#   bash bench/server/loadgen.sh BUILD_DIR MODEL.gguf N[,N...] [extra serve flags...]
#
# Example (the issue's table; real-shape synthetic Q8_0 model, 2 threads):
#   build/release/hirelm model synth --like deepseek-r1-distill-qwen-1.5b --dtype q8_0 -o /tmp/r1-q8.gguf
#   bash bench/server/loadgen.sh build/release /tmp/r1-q8.gguf 1,4,16
#   bash bench/server/loadgen.sh build/release /tmp/r1-q8.gguf 16 --no-prefix-caching
#   bash bench/server/loadgen.sh build/release /tmp/r1-q8.gguf 16 --max-num-seqs 1
# N=1x3 (three requests in turn) is `LOADGEN_REQUESTS=3 bash bench/server/loadgen.sh ... 1`.
# Do not run anything else meanwhile: the machine has 2 cores.
set -euo pipefail
build=${1:?build dir}; model=${2:?model file}; list=${3:?N list}; shift 3
here=$(cd "$(dirname "$0")/../.." && pwd)
loadgen=${LOADGEN:-$here/../shared/tools/loadgen.py}
port=${PORT:-18431}
out_dir=${OUT_DIR:-/tmp/hirelm-loadgen}
mkdir -p "$out_dir"
IFS=, read -r -a ns <<<"$list"
for n in "${ns[@]}"; do
  log="$out_dir/serve-n$n.log"
  "$build/hirelm" serve --model "$model" --port "$port" -t 2 --ctx 4096 --kv-cache-memory "${KV_CACHE_MEMORY:-2GiB}" \
    --workers 0 --db "$out_dir/hirelm.db" "$@" >"$log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.5
  done
  echo "== N=$n requests/client=${LOADGEN_REQUESTS:-1} serve flags: $*"
  python3 "$loadgen" --base "http://127.0.0.1:$port" --n "$n" --requests "${LOADGEN_REQUESTS:-1}" \
    --timeout 3600 --out "$out_dir/n$n.json" | tail -n 12
  curl -s "http://127.0.0.1:$port/metrics" | grep -E 'prefix_cache|preempt' || true
  kill $pid; wait $pid 2>/dev/null || true
  trap - EXIT
done
