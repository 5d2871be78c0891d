#!/usr/bin/env bash
# Runs every notebook headless against the runs named in the environment (see sparkgan_nb.py; by default the
# demo's dataset and run, so run bin/sparkgan demo first) and writes the executed copies to notebooks/executed/.
#   notebooks/run-all.sh
#   SPARKGAN_RUN=runs/r1 SPARKGAN_SCORES=scores/r1 notebooks/run-all.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
exec jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 --output-dir executed ./*.ipynb
