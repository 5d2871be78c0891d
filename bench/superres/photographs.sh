#!/usr/bin/env bash
# The detailed photographs of the super-resolution benchmark (issue 20). Debian's desktop backgrounds are mostly
# illustrations, renders and shallow-focus photographs with no detail at the pixel level (bicubic x2 restores
# mate-backgrounds' tiles at 47-52 dB, docs/SUPERRES.md); the three photographs of plasma-workspace-wallpapers
# with detail everywhere are Path (a forest), OneStandsOut (moss) and EveningGlow (boats on a shore), 2560x1600
# (bicubic x2 restores their tiles at 32-38 dB, like the usual benchmarks' photographs). Each is split at full
# resolution: its left 2048 columns are training data, its right 512 columns are held out (so the test split holds
# every kind of scene, none of its pixels trained on); tiles.sh cuts 48x48x3 tiles (4158 train, 990 test) and
# trains the evaluator. Needs apt-get (the package is downloaded, not installed) and dpkg-deb.
#   bench/superres/photographs.sh [OUT]      (default OUT=/tmp/sparkgan-photographs; EVALUATOR_EPOCHS, default 10)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-/tmp/sparkgan-photographs}
mkdir -p "$out/deb" "$out/train" "$out/test"
(cd "$out/deb" && { ls plasma-workspace-wallpapers_*.deb >/dev/null 2>&1 || apt-get download plasma-workspace-wallpapers; })
dpkg-deb -x "$out"/deb/plasma-workspace-wallpapers_*.deb "$out/deb/extracted"
rm -f "$out"/train/*.png "$out"/test/*.png
for photo in Path OneStandsOut EveningGlow; do # written losslessly
  /usr/bin/python3 -c 'import sys; from PIL import Image
image = Image.open(sys.argv[1]).convert("RGB"); assert image.size == (2560, 1600), image.size
image.crop((0, 0, 2048, 1600)).save(sys.argv[2]); image.crop((2048, 0, 2560, 1600)).save(sys.argv[3])' \
    "$out/deb/extracted/usr/share/wallpapers/$photo/contents/images/2560x1600.jpg" "$out/train/$photo.png" "$out/test/$photo.png"
done
"$root/bench/superres/tiles.sh" "$out"
