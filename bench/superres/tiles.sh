#!/usr/bin/env bash
# The tail shared by the photograph datasets of the super-resolution benchmark (issue 20): OUT/train and OUT/test,
# folders of photographs of one size each, are cut into 48x48x3 tiles (`prep --from image-folder`, PREP_OPTIONS
# added, e.g. --resize) as OUT/backgrounds-train and OUT/backgrounds-test, and the training split gets an evaluator
# (an autoencoder: the data are unlabelled) for FID.
#   bench/superres/tiles.sh OUT        (EVALUATOR_EPOCHS, default 10; PREP_OPTIONS; SPARKGAN)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
sparkgan=${SPARKGAN:-$root/bin/sparkgan}
out=$1
read -r -a prep_options <<<"${PREP_OPTIONS:-}"
for split in train test; do
  "$sparkgan" prep --from image-folder --input "$out/$split" "${prep_options[@]}" --tile 48x48 --channels 3 \
    --output "$out/backgrounds-$split" --overwrite --drop-evaluator   # the evaluator is retrained below
done
"$sparkgan" train-evaluator --data "$out/backgrounds-train" --test-data "$out/backgrounds-test" \
  --epochs "${EVALUATOR_EPOCHS:-10}" --overwrite
