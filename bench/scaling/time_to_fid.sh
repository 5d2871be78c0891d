#!/usr/bin/env bash
# Time to quality of data-parallel training (issue 32, docs/TRAINING.md "More workers, fewer steps"): trains the
# default DCGAN on the demo's MNIST on 1, 2 and 4 workers, two seeds each, evaluating (10,000 samples) at every
# checkpoint, then prints steps to F120/F240 and S(N) and plots FID against steps per worker and modelled wall time.
#   bench/scaling/time_to_fid.sh [CONFIG ...]     CONFIG: w1, w2, w4 (default all; w1 is the baseline)
# Environment: SEEDS (default "42 43"), SCALING (--lr-scaling of the 2- and 4-worker runs, default linear; runs are
# named dcgan-wN-SCALING-sSEED), RUNS (run directories, default /tmp/sparkgan-quality). About 25 minutes per 4-worker
# run and 35 per 1-worker run on 2 cores. Needs demo/mnist-train with its evaluator (bin/sparkgan demo).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scaling=${SCALING:-linear}
configs=${*:-w1 w2 w4}
for seed in ${SEEDS:-42 43}; do
  for config in $configs; do
    case $config in
      # NAME WORKERS KIMG CHECKPOINT_EVERY (rounds of 8 steps): 1 worker to 240 kimg (3750 steps), checkpoints
      # every 312 steps; 2 workers to 1800 steps, every 200; 4 workers to 1536 steps, every 128
      w1) "$root/bench/quality/sparkgan_run.sh" "dcgan-w1-s$seed" 1 240 39 --seed "$seed" --lr-scaling none ;;
      w2) "$root/bench/quality/sparkgan_run.sh" "dcgan-w2-$scaling-s$seed" 2 230.4 25 --seed "$seed" \
            --lr-scaling "$scaling" ;;
      w4) "$root/bench/quality/sparkgan_run.sh" "dcgan-w4-$scaling-s$seed" 4 393.216 16 --seed "$seed" \
            --lr-scaling "$scaling" ;;
      *) echo "unknown configuration $config (w1, w2 or w4)" >&2; exit 2 ;;
    esac
  done
done
/usr/bin/python3 "$root/bench/scaling/time_to_fid.py" --plot "$root/docs/images/time-to-fid.png" \
  dcgan-w1 "dcgan-w2-$scaling" dcgan-w4 "dcgan-w4-$scaling"
