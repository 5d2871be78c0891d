#!/usr/bin/env bash
# Scores the sample folders of a PyTorch run of bench/quality/torch_run.sh with sparkgan's evaluator: each folder
# becomes a dataset (sparkgan prep --from image-folder) compared with the demo's MNIST on 10,000 samples; one JSON
# line per point and sampling mode in bench/results/quality/NAME-eval.jsonl.
#   bench/quality/score_samples.sh NAME
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=$1
work="${RUNS:-/tmp/sparkgan-quality}/$name"
out="$root/bench/results/quality"
sparkgan=${SPARKGAN:-$root/bin/sparkgan}
: > "$out/$name-eval.jsonl"
for samples in "$work"/*kimg-*/; do
  point=$(basename "$samples")
  "$sparkgan" prep --from image-folder --input "$samples" --output "$work/datasets/$point" --overwrite >/dev/null
  report=$("$sparkgan" evaluate --data "$root/demo/mnist-train" --compare "$work/datasets/$point" --samples 10000)
  echo "$report"
  field() { awk -v key="$1" -v column="$2" '$1 == key {print $column}' <<<"$report"; }
  echo "{\"name\":\"$name\",\"point\":\"$point\",\"fid\":$(field FID 2),\"precision\":$(field precision 2),\"recall\":$(field precision 4),\"coverage\":$(field density 4),\"modes\":$(field modes 2)}" \
    >> "$out/$name-eval.jsonl"
done
