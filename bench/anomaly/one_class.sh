#!/usr/bin/env bash
# One digit of the one-class MNIST protocol (Ruff et al. 2018, as issue 19 asks): a GAN trained on the MNIST
# training images of DIGIT only, its f-AnoGAN encoder, and the whole MNIST test split scored (anomalous = every
# other digit) with the encoder score and, on the first 1000 test images, the latent search. Results go to
# bench/results/anomaly/digit-DIGIT-*.json.
#   bench/anomaly/one_class.sh DIGIT GAN_KIMG ENCODER_KIMG      e.g. bench/anomaly/one_class.sh 0 60 60
# Needs demo/mnist-train and demo/mnist-test (bin/sparkgan demo makes both). Runs go to ${RUNS:-/tmp/sparkgan-anomaly}.
# Another labelled dataset: DATA and TEST (its training and test splits, as sparkgan prep writes them) and NAME (the
# results' prefix instead of "digit"), e.g. Fashion-MNIST (docs/ANOMALY.md):
#   NAME=fashion DATA=/data/fashion-train TEST=/data/fashion-test bench/anomaly/one_class.sh 0 60 60
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
digit=$1 gan_kimg=$2 encoder_kimg=$3
sparkgan=${SPARKGAN:-$root/bin/sparkgan}
data=${DATA:-$root/demo/mnist-train} test=${TEST:-$root/demo/mnist-test} name=${NAME:-digit}
runs=${RUNS:-/tmp/sparkgan-anomaly}
out="$root/bench/results/anomaly"
mkdir -p "$out" "$runs"
run="$runs/$name-$digit"
start=$(date +%s)
"$sparkgan" train --data "$data" --run-dir "$run" --overwrite --normal-classes "$digit" \
  --workers 1 --kimg "$gan_kimg" --checkpoint-every 50 --evaluate-every 0 --seed 42
gan_done=$(date +%s)
rm -rf "$run/encoder"
"$sparkgan" train-encoder --run-dir "$run" --checkpoint latest --kimg "$encoder_kimg"
encoder_done=$(date +%s)
"$sparkgan" score --run-dir "$run" --data "$test" --output "$runs/$name-$digit-scores" --overwrite \
  --normal-classes "$digit"
scored=$(date +%s)
cp "$runs/$name-$digit-scores/scores.json" "$out/$name-$digit-encoder.json"
cp "$runs/$name-$digit-scores/roc.png" "$out/$name-$digit-roc.png"
cp "$runs/$name-$digit-scores/extremes.png" "$out/$name-$digit-extremes.png"
echo "{\"dataset\":\"$name\",\"digit\":$digit,\"ganKimg\":$gan_kimg,\"encoderKimg\":$encoder_kimg,\"ganSeconds\":$((gan_done - start)),\"encoderSeconds\":$((encoder_done - gan_done)),\"scoreSeconds\":$((scored - encoder_done))}" \
  >> "$out/runs.jsonl"
