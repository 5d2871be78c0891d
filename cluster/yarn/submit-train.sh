#!/usr/bin/env bash
# Training on YARN with spark-submit (cluster mode); data and run directory on HDFS.
#   cluster/yarn/submit-train.sh --data hdfs:///datasets/mnist --run-dir hdfs:///runs/mnist-1 --workers 8
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# cluster/spark-submit.sh exits with the driver's own code (from its outcome.json); one attempt: a second attempt of
# a failed training is the scheduler's decision (train --resume), not YARN's
exec "$root/cluster/spark-submit.sh" --master yarn --deploy-mode cluster \
  --conf-file "$root/cluster/conf/spark-defaults-cpu.conf" --conf spark.yarn.maxAppAttempts=1 \
  --num-executors "${EXECUTORS:-8}" \
  -- train "$@"
