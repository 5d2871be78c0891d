#!/usr/bin/env bash
# The best FID each side reaches in one hour of training (issue 16): sparkgan (1 worker) and the PyTorch script,
# the same DCGAN and recipe, run side by side with each pinned to one of the machine's cores (taskset), one thread
# each, so that neither disturbs the other's timing beyond shared caches and memory. sparkgan evaluates every
# checkpoint (about 100 kimg apart) and is stopped once its rounds have trained for an hour; PyTorch samples every
# 100 kimg and stops at the hour. Evaluation time is not counted on either side. Afterwards:
#   /usr/bin/python3 bench/quality/plot.py --within 3600 --out docs/images/quality-hour.png hour-
#   bench/quality/one_hour.sh s42 42 1        # NAME_SUFFIX SPARKGAN_SEED TORCH_SEED
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
suffix=$1 sparkgan_seed=$2 torch_seed=$3
runs=${RUNS:-/tmp/sparkgan-quality}
limit=${LIMIT_SECONDS:-3600}
sparkgan_name=hour-dcgan-w1-$suffix torch_name=hour-torch-dcgan-$suffix
taskset -c 1 env THREADS=1 MODES=eval SECONDS_LIMIT="$limit" \
  "$root/bench/quality/torch_run.sh" "$torch_name" dcgan "$torch_seed" "$(seq -s, 100 100 2000)" \
  > "$runs/$torch_name.log" 2>&1 &
torch_pid=$!
# 1000 kimg is more than an hour at one thread (about 245 images/s): the watch below stops it
taskset -c 0 "$root/bench/quality/sparkgan_run.sh" "$sparkgan_name" 1 1000 195 --seed "$sparkgan_seed" \
  > "$runs/$sparkgan_name.log" 2>&1 &
sparkgan_pid=$!
trained() {
  /usr/bin/python3 -c 'import json,sys; print(int(sum(json.loads(l)["seconds"] for l in open(sys.argv[1]))))' \
    "$runs/$sparkgan_name/metrics/train.jsonl" 2>/dev/null || echo 0
}
while kill -0 "$sparkgan_pid" 2>/dev/null && [ "$(trained)" -lt "$limit" ]; do sleep 20; done
if kill -0 "$sparkgan_pid" 2>/dev/null; then
  pkill -TERM -P "$sparkgan_pid" || true
  wait "$sparkgan_pid" || true
  cp "$runs/$sparkgan_name/eval/metrics.jsonl" "$root/bench/results/quality/$sparkgan_name-eval.jsonl"
  cp "$runs/$sparkgan_name/metrics/train.jsonl" "$root/bench/results/quality/$sparkgan_name-train.jsonl"
fi
wait "$torch_pid"
