#!/usr/bin/env bash
# The PyTorch side of the quality comparison: trains bench/quality/torch_dcgan.py (2 threads, this machine's cores),
# then turns each sample folder into a dataset (sparkgan prep --from image-folder) and scores it with sparkgan's
# evaluator against the demo's MNIST (10,000 samples), one JSON line per point and sampling mode in
# bench/results/quality/NAME-eval.jsonl.
#   bench/quality/torch_run.sh NAME ARCH SEED KIMG_POINTS [torch_dcgan.py options]
#   e.g. bench/quality/torch_run.sh torch-dcgan-s1 dcgan 1 60,120,240
#        bench/quality/torch_run.sh torch-b256-lr4e-4-s1 dcgan 1 120,240,480 --batch 256 --lr 4e-4   (issue 32's anchor)
# THREADS (default 2), MODES (sampling modes, default eval,train), SECONDS_LIMIT (training time after which it samples
# once more and stops; default none).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=$1 arch=$2 seed=$3 points=$4
shift 4
runs=${RUNS:-/tmp/sparkgan-quality}
work="$runs/$name"
out="$root/bench/results/quality"
mkdir -p "$out"
rm -rf "$work"
OMP_NUM_THREADS=${THREADS:-2} /usr/bin/python3 "$root/bench/quality/torch_dcgan.py" --arch "$arch" --seed "$seed" \
  --kimg "$points" --modes "${MODES:-eval,train}" --seconds "${SECONDS_LIMIT:-0}" --mnist "$root/data/mnist" --out "$work" "$@"
cp "$work/progress.jsonl" "$out/$name-train.jsonl"
"$root/bench/quality/score_samples.sh" "$name"
