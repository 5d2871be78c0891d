#!/usr/bin/env bash
# One GAN step, sparkgan against PyTorch, run alternately in one session so that both see the same machine state.
#   bench/compare-step.sh [REPS] [OUT.jsonl]        (defaults: 3 repetitions, bench/results/compare-step.jsonl)
# Each repetition runs, per architecture and thread count, one sparkgan JVM and one PyTorch process with
# OMP_NUM_THREADS set to the thread count (ND4J's BLAS ignores its own thread setting otherwise).
# Needs Debian's python3-torch: apt-get install python3-torch. Summary: bench/summarize-step.py OUT.jsonl
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
reps=${1:-3}
out=${2:-$root/bench/results/compare-step.jsonl}
mkdir -p "$(dirname "$out")"
python=${PYTHON:-/usr/bin/python3}
"$root/bin/sparkgan" bench-step --help > /dev/null      # builds first if needed, outside the timings

# architecture, shape, timed steps, warm-up steps
cases=("DCGAN_K5 28x28x1 15 5" "DCGAN 64x64x3 5 2" "DCGAN 28x28x1 30 5")
for ((rep = 1; rep <= reps; rep++)); do
  for c in "${cases[@]}"; do
    read -r arch shape steps warmup <<< "$c"
    for threads in 1 2; do
      args=(--arch "$arch" --shape "$shape" --batch 64 --threads "$threads" --steps "$steps" --warmup "$warmup")
      OMP_NUM_THREADS=$threads "$root/bin/sparkgan" bench-step "${args[@]}" --json | grep '^{' >> "$out"
      OMP_NUM_THREADS=$threads "$python" "$root/bench/torch_gan_step.py" "${args[@]}" >> "$out"
      tail -n 2 "$out" | cut -c1-150 >&2
    done
  done
done
"$python" "$root/bench/summarize-step.py" "$out"
