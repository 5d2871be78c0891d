#!/usr/bin/env bash
# Submits a sparkgan command to a cluster with the application jar (Spark left to the cluster).
#   cluster/spark-submit.sh [--gpu] <spark-submit options...> -- <sparkgan command and options>
# e.g.
#   cluster/spark-submit.sh --master spark://host:7077 --properties-file cluster/conf/spark-defaults-cpu.conf \
#     -- train --data hdfs:///datasets/mnist --run-dir hdfs:///runs/mnist-1
# Uses $SPARK_HOME/bin/spark-submit (a Spark 3.5.x / Scala 2.12 distribution). Submits the CPU application jar
# spark-jobs/target/spark-jobs-*-app.jar, or with --gpu the CUDA one, spark-jobs-*-app-gpu.jar, and builds it
# when missing. Refuses (exit 2) when that jar cannot be built, when several versions of it are there, or when
# its manifest names the other backend or none (a jar from a build before the two had their own names).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
refuse() {
  echo "cluster/spark-submit.sh: $*" >&2
  exit 2
}
backend=cpu classifier=app maven_opts=(-Papp-jar)
if [ "${1:-}" = "--gpu" ]; then backend=gpu classifier=app-gpu maven_opts+=(-Dgpu); shift; fi
submit_opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do submit_opts+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ -n "${SPARK_HOME:-}" ] ||
  refuse "set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution (cluster/spark-home for local-standalone.sh)"
[ -x "$SPARK_HOME/bin/spark-submit" ] || refuse "SPARK_HOME=$SPARK_HOME has no bin/spark-submit: it must be a Spark 3.5 distribution"
build="mvn ${maven_opts[*]} -DskipTests package"

shopt -s nullglob
jars=("$root"/spark-jobs/target/spark-jobs-*-"$classifier".jar)
if [ ${#jars[@]} -eq 0 ]; then
  [ -f "$root/pom.xml" ] && command -v mvn >/dev/null ||
    refuse "no $backend application jar in $root/spark-jobs/target, and no Maven build here to make one: run $build where the sources are"
  (cd "$root" && mvn -q -B -ntp "${maven_opts[@]}" -DskipTests package) ||
    refuse "no $backend application jar in $root/spark-jobs/target, and building it failed ($build)"
  jars=("$root"/spark-jobs/target/spark-jobs-*-"$classifier".jar)
fi
case ${#jars[@]} in
  0) refuse "$build wrote no $root/spark-jobs/target/spark-jobs-*-$classifier.jar" ;;
  1) ;;
  *) refuse "${#jars[@]} $backend application jars, which one is meant is not clear: ${jars[*]}; remove all but one (mvn clean and $build)" ;;
esac
jar=${jars[0]}
# the name alone does not tell: a build from before the backends had their own classifiers wrote either as -app.jar
if command -v unzip >/dev/null; then
  built_for=$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Sparkgan-Backend: *//p') ||
    refuse "$jar cannot be read as a jar"
  [ "$built_for" = "$backend" ] ||
    refuse "$jar was built for backend '${built_for:-unknown, by an older build}', not $backend; rebuild it: mvn clean and $build"
fi
exec "$SPARK_HOME/bin/spark-submit" --class io.sparkgan.jobs.SparkGanCli "${submit_opts[@]}" "$jar" "$@"
