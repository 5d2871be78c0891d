#!/usr/bin/env bash
# Data-parallel scaling and round overhead of `sparkgan train` (DCGAN 28x28 on the demo's MNIST), in Spark local
# mode (one JVM) and in local-cluster mode (executors in their own JVMs, started from the Maven classpath).
#   bench/scaling.sh [OUT_DIR]          (default /tmp/sparkgan-scaling; needs demo/mnist-train: bin/sparkgan demo)
# Environment: DATA (another dataset), ROUNDS (default 10), RUNS ("name master workers averagingEvery" entries
# separated by ';', default the six below), TRAIN_ARGS (more `sparkgan train` flags), JVM_OPTION (one JVM option
# for the driver and the executors, e.g. -XX:G1HeapRegionSize=32m).
# Summary: bench/summarize-rounds.py OUT_DIR/*/metrics/train.jsonl
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-/tmp/sparkgan-scaling}
data=${DATA:-$root/demo/mnist-train}
rounds=${ROUNDS:-10}
mkdir -p "$out/spark-home/jars"
"$root/bin/sparkgan" train --help > /dev/null            # builds first if needed
classpath="$(ls "$root"/spark-jobs/target/spark-jobs-*.jar | grep -v -e -sources -e -app | head -n 1):$(cat "$root/spark-jobs/target/launcher/classpath.txt")"

# name, master, workers, averagingEvery
runs=("local-w1-a16 local[1] 1 16" "local-w2-a16 local[2] 2 16" \
      "cluster-w1-a16 local-cluster[1,1,3072] 1 16" "cluster-w2-a16 local-cluster[2,1,3072] 2 16" \
      "local-w2-a4 local[2] 2 4" "local-w2-a64 local[2] 2 64")
if [ -n "${RUNS:-}" ]; then IFS=';' read -r -a runs <<< "$RUNS"; fi
# peak resident memory (VmHWM) of the driver and of each executor JVM, sampled every second while a run lasts
sample_memory() {
  local file=$1
  while true; do
    for pid in $(pgrep -f 'SparkGanCli train|CoarseGrainedExecutorBackend' || true); do
      role=driver; grep -q CoarseGrainedExecutorBackend "/proc/$pid/cmdline" 2>/dev/null && role=executor
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      [ -n "$hwm" ] && echo "$role $pid $hwm" >> "$file"
    done
    sleep 1
  done
}

for r in "${runs[@]}"; do
  read -r name master workers every <<< "$r"
  sample_memory "$out/$name.memory" &
  sampler=$!
  kimg=$(python3 -c "print($rounds * $workers * $every * 64 / 1000)")
  # local-cluster needs Spark's test hooks to run without a Spark distribution; executors get our classpath
  JAVA_OPTS="-Dspark.testing=true -Dspark.test.home=$out/spark-home -Dspark.executor.extraClassPath=$classpath \
    -Dspark.executorEnv.SPARK_SCALA_VERSION=2.12 -Dspark.executor.memory=2g \
    ${JVM_OPTION:+$JVM_OPTION -Dspark.executor.extraJavaOptions=$JVM_OPTION}" \
    OMP_NUM_THREADS=1 "$root/bin/sparkgan" train --data "$data" --run-dir "$out/$name" --master "$master" \
    --workers "$workers" --averaging-every "$every" --kimg "$kimg" --checkpoint-every 1000 --overwrite ${TRAIN_ARGS:-} \
    > "$out/$name.log" 2>&1
  kill "$sampler"
  # the last sample of each process holds its peak
  awk '{peak[$1" "$2] = $3} END {for (p in peak) printf "%s peak RSS %.0f MB\n", p, peak[p] / 1024}' \
    "$out/$name.memory" | sort | sed "s/^/$name /" >&2
  echo "$name done" >&2
done
python3 "$root/bench/summarize-rounds.py" "$out"/*/metrics/train.jsonl
