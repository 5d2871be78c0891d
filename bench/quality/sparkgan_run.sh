#!/usr/bin/env bash
# One sparkgan run of the quality comparison: trains on the demo's MNIST with an evaluation (10,000 samples, the
# run's fixed evaluation noise) at every checkpoint, and copies the run's evaluation and training logs to
# bench/results/quality/NAME-*.jsonl.
#   bench/quality/sparkgan_run.sh NAME WORKERS KIMG CHECKPOINT_EVERY [train options...]
# e.g. bench/quality/sparkgan_run.sh dcgan-w1-s42 1 120 39 --seed 42
# RESUME=1 continues the run NAME to KIMG (train --resume) instead of starting it again; its logs then hold the
# whole run. Needs demo/mnist-train with its evaluator (bin/sparkgan demo makes both). Runs go to
# ${RUNS:-/tmp/sparkgan-quality}.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=$1 workers=$2 kimg=$3 every=$4
shift 4
runs=${RUNS:-/tmp/sparkgan-quality}
out="$root/bench/results/quality"
mkdir -p "$out" "$runs"
start_option=--overwrite
[ "${RESUME:-0}" = 1 ] && start_option=--resume
start=$(date +%s)
"${SPARKGAN:-$root/bin/sparkgan}" train --data "$root/demo/mnist-train" --run-dir "$runs/$name" "$start_option" \
  --workers "$workers" --kimg "$kimg" --checkpoint-every "$every" --keep-checkpoints 20 \
  --evaluate-every 1 --eval-samples 10000 "$@"
echo "{\"name\":\"$name\",\"wallSeconds\":$(( $(date +%s) - start )),\"args\":\"$workers workers, $kimg kimg, $start_option $*\"}" \
  >> "$out/runs.jsonl"
cp "$runs/$name/eval/metrics.jsonl" "$out/$name-eval.jsonl"
cp "$runs/$name/metrics/train.jsonl" "$out/$name-train.jsonl"
