#!/usr/bin/env bash
# Submits a sparkgan command to a cluster with the application jar (Spark left to the cluster).
#   cluster/spark-submit.sh [--gpu] <spark-submit options...> -- <sparkgan command and options>
# e.g.
#   cluster/spark-submit.sh --master spark://host:7077 --conf-file cluster/conf/spark-defaults-cpu.conf \
#     -- train --data hdfs:///datasets/mnist --run-dir hdfs:///runs/mnist-1
# --conf-file FILE gives each "key value" line of FILE as a --conf, on top of the site's spark-defaults.conf
# (spark-submit's --properties-file would replace it); a --conf after it wins.
# With --deploy-mode cluster, a train or retrain exits with the driver's own exit code (0, 99, 2-5), which
# spark-submit does not carry in that mode: the application gets a unique --name unless given one, standalone's
# spark-submit waits for the driver, and the code is read from the outcome the driver recorded (sparkgan outcome).
# Uses $SPARK_HOME/bin/spark-submit (a Spark 3.5.x / Scala 2.12 distribution). Submits the CPU application jar
# spark-jobs/target/spark-jobs-*-app.jar, or with --gpu the CUDA one, spark-jobs-*-app-gpu.jar, and builds it
# when missing. Refuses (exit 2) when that jar cannot be built, when several versions of it are there, or when
# its manifest names the other backend or none (a jar from a build before the two had their own names).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/cluster/conf/conf-options.sh"
refuse() {
  echo "cluster/spark-submit.sh: $*" >&2
  exit 2
}
backend=cpu classifier=app maven_opts=(-Papp-jar)
if [ "${1:-}" = "--gpu" ]; then backend=gpu classifier=app-gpu maven_opts+=(-Dgpu); shift; fi
submit_opts=() deploy_mode=client master="" name=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    --conf-file)
      [ -f "${2:-}" ] || refuse "--conf-file ${2:-}: no such file"
      mapfile -d '' file_options < <(conf_options "$2")
      submit_opts+=("${file_options[@]}")
      shift 2; continue ;;
    --deploy-mode) deploy_mode=${2:-} ;;
    --deploy-mode=*) deploy_mode=${1#*=} ;;
    --master) master=${2:-} ;;
    --master=*) master=${1#*=} ;;
    --name) name=${2:-} ;;
    --name=*) name=${1#*=} ;;
  esac
  submit_opts+=("$1"); shift
done
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
# Java 17 opens that Spark 3.5's launcher gives a driver it starts itself (JavaModuleOptions), but a standalone
# worker starting a cluster-mode driver does not: without them the driver fails at SparkContext (sun.nio.ch). That
# driver's JVM options are spark.driver.extraJavaOptions alone, so they go in front of any given here (one set in
# the site's spark-defaults.conf is replaced: add the opens there instead).
if [ "$deploy_mode" = cluster ] && [[ "$master" == spark://* ]]; then
  opens="-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false"
  for package in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
    java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action \
    sun.util.calendar; do
    opens+=" --add-opens=java.base/$package=ALL-UNNAMED"
  done
  opens+=" --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED"
  given=false
  for ((i = 0; i < ${#submit_opts[@]}; i++)); do
    if [[ "${submit_opts[i]}" == spark.driver.extraJavaOptions=* ]]; then
      submit_opts[i]="spark.driver.extraJavaOptions=$opens ${submit_opts[i]#*=}"
      given=true
    fi
  done
  $given || submit_opts+=(--conf "spark.driver.extraJavaOptions=$opens")
fi
command=${1:-}
if [ "$deploy_mode" != cluster ] || { [ "$command" != train ] && [ "$command" != retrain ]; }; then
  exec "$SPARK_HOME/bin/spark-submit" --class io.sparkgan.jobs.cli.SparkGanCli "${submit_opts[@]}" "$jar" "$@"
fi

# Cluster deploy mode: where the driver records its outcome, and the storage settings to read it with.
where=() storage=()
args=("$@")
for ((i = 1; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --run-dir | --registry | --alias) where+=("${args[i]}" "${args[i + 1]:-}") ;;
    --run-dir=* | --registry=* | --alias=*) where+=("${args[i]}") ;;
  esac
done
for ((i = 0; i < ${#submit_opts[@]}; i++)); do
  case "${submit_opts[i]}" in
    --conf) [[ "${submit_opts[i + 1]:-}" == spark.hadoop.* ]] && storage+=(--conf "${submit_opts[i + 1]}") ;;
  esac
done
if [ -z "$name" ]; then
  name="sparkgan-$command-$(date -u +%Y%m%dT%H%M%SZ)-$$"
  submit_opts+=(--name "$name")
fi
# standalone's spark-submit returns as soon as the driver is accepted unless told to wait
[[ "$master" == spark://* ]] && submit_opts+=(--conf spark.standalone.submit.waitAppCompletion=true)
set +e
"$SPARK_HOME/bin/spark-submit" --class io.sparkgan.jobs.cli.SparkGanCli "${submit_opts[@]}" "$jar" "$@"
submitted=$?
"$SPARK_HOME/bin/spark-submit" --master 'local[1]' --class io.sparkgan.jobs.cli.SparkGanCli "$jar" \
  outcome "${where[@]}" --expect-name "$name" "${storage[@]}" >&2
code=$?
set -e
echo "cluster/spark-submit.sh: application $name ended with exit code $code (spark-submit: $submitted)" >&2
exit "$code"
