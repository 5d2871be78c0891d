#!/usr/bin/env bash
# The 3-channel photographic dataset of the super-resolution benchmark (issue 20): the 12 nature photographs of
# Debian's mate-backgrounds package (1280x1024 to 2560x1920), each resized to 480x768 (area averaging) and cut into
# 48x48 tiles (160 per photograph). TEST_PHOTOS are held out as the test split (default Wood, GreenMeadow and
# RainDrops: fine texture everywhere, which bicubic upscaling blurs; the first benchmark held out Storm and
# YellowFlower, whose tiles are mostly smooth sky and blur, where bicubic is already near-perfect), the others are
# the training split; tiles.sh cuts the tiles and trains the evaluator. Needs
# apt-get (the package is downloaded, not installed) and dpkg-deb. RESIZE=none cuts the tiles from the photographs
# at their full resolution instead, from the central 1024x1280 of each (the smallest photograph's size; 546 tiles
# per photograph; the resized photographs are nearly band-limited: bicubic x2 restores them at 48 dB,
# docs/SUPERRES.md).
#   bench/superres/backgrounds.sh [OUT]      (default OUT=/tmp/sparkgan-backgrounds; EVALUATOR_EPOCHS, default 10)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-/tmp/sparkgan-backgrounds}
mkdir -p "$out/deb" "$out/train" "$out/test"
(cd "$out/deb" && { ls mate-backgrounds_*.deb >/dev/null 2>&1 || apt-get download mate-backgrounds; })
dpkg-deb -x "$out"/deb/mate-backgrounds_*.deb "$out/deb/extracted"
nature="$out/deb/extracted/usr/share/backgrounds/mate/nature"
test_photos=${TEST_PHOTOS:-Wood GreenMeadow RainDrops}
rm -f "$out"/train/*.jpg "$out"/test/*.jpg "$out"/train/*.png "$out"/test/*.png
for photo in "$nature"/*.jpg; do
  if [[ " $test_photos " == *" $(basename "$photo" .jpg) "* ]]; then cp "$photo" "$out/test/"; else cp "$photo" "$out/train/"; fi
done
if [ "${RESIZE:-}" = none ]; then
  for photo in "$out"/train/*.jpg "$out"/test/*.jpg; do # central crops of one size, written losslessly
    /usr/bin/python3 -c 'import sys; from PIL import Image
image = Image.open(sys.argv[1]); w, h = image.size; left, top = (w - 1280) // 2, (h - 1024) // 2
image.crop((left, top, left + 1280, top + 1024)).save(sys.argv[1][:-4] + ".png")' "$photo"
    rm "$photo"
  done
  "$root/bench/superres/tiles.sh" "$out"
else
  PREP_OPTIONS="--resize ${RESIZE:-480x768}" "$root/bench/superres/tiles.sh" "$out"
fi
