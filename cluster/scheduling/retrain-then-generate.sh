#!/usr/bin/env bash
# A scheduled retraining step: retrain on the newest data, and only when a new model was promoted, produce the
# synthetic dataset from it. Every downstream command names the registry, never a run.
#   cluster/scheduling/retrain-then-generate.sh REGISTRY NEW_DATA SYNTHETIC_OUT [spark-submit options...]
# Exit codes: 0 promoted and generated, 99 retrained but the old model kept (nothing generated), others failures.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
registry=$1 data=$2 synthetic=$3
shift 3
"$here/../spark-submit.sh" "$@" -- retrain --registry "$registry" --data "$data" --kimg 60
code=$?
if [ "$code" -ne 0 ]; then
  exit "$code"   # 99: kept the old model, which is not an error for the scheduler; anything else is
fi
exec "$here/../spark-submit.sh" "$@" -- generate --registry "$registry" --count 60000 --output "$synthetic" --overwrite
