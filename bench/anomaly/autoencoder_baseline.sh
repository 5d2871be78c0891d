#!/usr/bin/env bash
# The autoencoder baseline of the one-class MNIST protocol (issue 19): for each DIGIT given, sparkgan's evaluator
# autoencoder trained on the training images of that digit (EPOCHS passes, Spark local mode), the MNIST test split
# scored by reconstruction error; AUROC per digit appended to bench/results/anomaly/autoencoder-baseline.jsonl.
#   bench/anomaly/autoencoder_baseline.sh EPOCHS DIGIT...      e.g. bench/anomaly/autoencoder_baseline.sh 10 0 1 2
# Needs demo/mnist-train and demo/mnist-test (bin/sparkgan demo makes both) and a build with test classes
# (mvn -q -DskipTests install, then mvn -q -pl spark-jobs test-compile). Another labelled dataset: DATA, TEST (its
# splits) and OUTPUT (the results file's name), e.g. OUTPUT=fashion-autoencoder-baseline.jsonl.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
epochs=$1
shift
target=${TARGET:-$root/spark-jobs/target}
classpath="$target/test-classes:$target/classes:$(cat "$target/launcher/classpath.txt")"
for digit in "$@"; do
  # shellcheck disable=SC2046
  SPARK_LOCAL_IP=127.0.0.1 OMP_WAIT_POLICY=PASSIVE java -Xmx3g $(cat "$target/launcher/jvm-options.txt") \
    -Dlog4j2.configurationFile="$root/conf/log4j2.xml" -cp "$classpath" io.sparkgan.jobs.anomaly.AutoencoderBaseline \
    "${DATA:-$root/demo/mnist-train}" "${TEST:-$root/demo/mnist-test}" "$digit" "$epochs" \
    "$root/bench/results/anomaly/${OUTPUT:-autoencoder-baseline.jsonl}"
done
