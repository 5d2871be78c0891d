#!/usr/bin/env bash
# Training on YARN with spark-submit (cluster mode); data and run directory on HDFS.
#   cluster/yarn/submit-train.sh --data hdfs:///datasets/mnist --run-dir hdfs:///runs/mnist-1 --workers 8
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
exec "$root/cluster/spark-submit.sh" --master yarn --deploy-mode cluster --name sparkgan-train \
  --properties-file "$root/cluster/conf/spark-defaults-cpu.conf" \
  --num-executors "${EXECUTORS:-8}" \
  -- train "$@"
