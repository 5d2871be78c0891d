#!/usr/bin/env bash
# Submits a sparkgan command to a cluster with the application jar (Spark left to the cluster).
#   cluster/spark-submit.sh [--gpu] <spark-submit options...> -- <sparkgan command and options>
# e.g.
#   cluster/spark-submit.sh --master spark://host:7077 --properties-file cluster/conf/spark-defaults-cpu.conf \
#     -- train --data hdfs:///datasets/mnist --run-dir hdfs:///runs/mnist-1
# Uses $SPARK_HOME/bin/spark-submit (a Spark 3.5.x / Scala 2.12 distribution). Builds the jar when missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
backend=()
if [ "${1:-}" = "--gpu" ]; then backend=(-Dgpu); shift; fi
submit_opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do submit_opts+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
jar=$(ls "$root"/spark-jobs/target/spark-jobs-*-app.jar 2>/dev/null | head -n 1 || true)
if [ -z "$jar" ] || [ ${#backend[@]} -gt 0 ]; then
  (cd "$root" && mvn -q -B -ntp -Papp-jar "${backend[@]}" -DskipTests package)
  jar=$(ls "$root"/spark-jobs/target/spark-jobs-*-app.jar | head -n 1)
fi
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution (cluster/spark-home for local-standalone.sh)}"
exec "$SPARK_HOME/bin/spark-submit" --class io.sparkgan.jobs.SparkGanCli "${submit_opts[@]}" "$jar" "$@"
