#!/usr/bin/env bash
# One super-resolution benchmark (issue 20) at one scale, two runs of the same budget on TRAIN:
#   SRGAN:    PRETRAIN_KIMG of content loss alone (an SRResNet), then ADVERSARIAL_KIMG with the adversarial term;
#   SRResNet: PRETRAIN_KIMG + ADVERSARIAL_KIMG of content loss alone (--adversarial-weight 0).
# Each run's last checkpoint, and the SRGAN run's last content-only one, upscale TEST with --evaluate (downscaled
# first, compared with the originals and with bicubic upscaling). Results in bench/results/superres/:
# NAME-{srgan,srresnet,pretrained}.json, NAME-{srgan,srresnet}.png (comparison pictures), NAME-side-by-side.png
# (bicubic, SRResNet and SRGAN on the same images), a line in runs.jsonl.
#   bench/superres/run.sh NAME TRAIN TEST SCALE PRETRAIN_KIMG ADVERSARIAL_KIMG [train options...]
# PRETRAIN_KIMG must be a multiple of 5.12 (10 rounds of 8 steps x 64 images), where the checkpoints fall.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=$1 train=$2 test=$3 scale=$4 pretrain=$5 adversarial=$6
shift 6
sparkgan=${SPARKGAN:-$root/bin/sparkgan}
runs=${RUNS:-/tmp/sparkgan-superres}
out="$root/bench/results/superres"
mkdir -p "$out" "$runs"
pretrain_step=$(python3 -c "print(round($pretrain * 1000 / 64))")
total=$(python3 -c "print($pretrain + $adversarial)")

train() { # RUN_NAME [options...]
  local run=$1
  shift
  "$sparkgan" train --model srgan --scale "$scale" --data "$train" --run-dir "$runs/$run" --overwrite --workers 1 \
    --batch-per-worker 64 --averaging-every 8 --kimg "$total" --checkpoint-every 10 --keep-checkpoints 100 \
    --seed 42 "$@"
}
evaluate() { # RUN_NAME CHECKPOINT RESULT
  "$sparkgan" upscale --run-dir "$runs/$1" --data "$test" --output "$runs/$3-upscaled" --overwrite --evaluate \
    --checkpoint "$2"
  cp "$runs/$3-upscaled/upscaling.json" "$out/$3.json"
  cp "$runs/$3-upscaled/comparison.png" "$out/$3.png"
}

start=$(date +%s)
train "$name-srgan" --pretrain-kimg "$pretrain" "$@"
srgan_done=$(date +%s)
train "$name-srresnet" --adversarial-weight 0 "$@"
srresnet_done=$(date +%s)
evaluate "$name-srgan" latest "$name-srgan"
evaluate "$name-srgan" "$pretrain_step" "$name-pretrained"
evaluate "$name-srresnet" latest "$name-srresnet"
/usr/bin/python3 "$root/bench/superres/side_by_side.py" "$out/$name-srresnet.png" "$out/$name-srgan.png" \
  "$out/$name-side-by-side.png"
echo "{\"name\":\"$name\",\"scale\":$scale,\"pretrainKimg\":$pretrain,\"adversarialKimg\":$adversarial,\"options\":\"$*\",\"srganSeconds\":$((srgan_done - start)),\"srresnetSeconds\":$((srresnet_done - srgan_done))}" \
  >> "$out/runs.jsonl"
