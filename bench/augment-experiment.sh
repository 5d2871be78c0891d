#!/usr/bin/env bash
# Issue 6 experiment: DCGAN on 10% of MNIST (6000 images), the same budget with and without differentiable
# augmentation; FID of each against the full 60,000-image training set (10,000 samples, the evaluator trained on
# the full set). Needs the demo's datasets and evaluator: run `bin/sparkgan demo` once first.
#   bench/augment-experiment.sh [out-dir] [kimg]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/sparkgan-augment}
kimg=${2:-120}
cd "$root"
mkdir -p "$out"
[ -f "$out/mnist-6k/_manifest.json" ] || bin/sparkgan prep --from mnist-idx --input data/mnist --limit 6000 \
  --output "$out/mnist-6k"
for policy in none color,translation,cutout; do
  name=$(echo "$policy" | tr ',' '-')
  bin/sparkgan train --data "$out/mnist-6k" --run-dir "$out/run-$name" --overwrite --workers 2 --kimg "$kimg" \
    --checkpoint-every 10 --evaluate-every 2 --evaluator demo/mnist-train/_evaluator --augment "$policy"
  bin/sparkgan evaluate --run-dir "$out/run-$name" --checkpoint best --data demo/mnist-train \
    --evaluator demo/mnist-train/_evaluator --samples 10000 | tee "$out/evaluate-$name.txt"
done
