#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the Maven-resolved jars (no Spark distribution needed):
# one master and N workers, each its own JVM.
#   cluster/local-standalone.sh start [workers] [cores-per-worker] [memory-per-worker]   (default 2 1 3g)
#   cluster/local-standalone.sh stop
#   cluster/local-standalone.sh status     exit 0 only when the master answers and every worker started is ALIVE
# Then: bin/sparkgan train --master spark://127.0.0.1:7077 --data ... --run-dir ...
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state="$root/cluster/.standalone"
export SPARK_HOME="$state/spark-home"
export SPARK_SCALA_VERSION=2.12          # without it executors die with "Cannot find any build directories"
export SPARK_LOCAL_IP=127.0.0.1
export OMP_WAIT_POLICY=PASSIVE           # executors inherit it: idle OpenMP threads must not spin
export MALLOC_MMAP_THRESHOLD_=33554432   # and these: freed ND4J buffers are reused, not unmapped and faulted in again
export MALLOC_TRIM_THRESHOLD_=17179869184
export MALLOC_ARENA_MAX=2                # and one glibc arena per allocating thread would keep what each freed
port=${SPARK_MASTER_PORT:-7077}

start() {
  local workers=${1:-2} cores=${2:-1} memory=${3:-3g}
  mkdir -p "$SPARK_HOME/jars" "$state/logs"
  if [ -z "$(ls "$SPARK_HOME/jars")" ]; then
    # the runtime classpath of the driver, which is also what executors need (Spark + sparkgan + ND4J)
    (cd "$root" && mvn -q -B -ntp -DskipTests -pl spark-jobs -am package dependency:copy-dependencies \
      -DincludeScope=compile -DoutputDirectory="$SPARK_HOME/jars")
    cp "$root"/spark-jobs/target/spark-jobs-*.jar "$SPARK_HOME/jars/"
  fi
  local opens
  opens=$(cat "$root/spark-jobs/target/launcher/jvm-options.txt")
  # shellcheck disable=SC2086
  nohup java $opens -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port $((port + 1003)) > "$state/logs/master.log" 2>&1 &
  echo $! > "$state/master.pid"
  sleep 3
  for i in $(seq 1 "$workers"); do
    # shellcheck disable=SC2086
    nohup java $opens -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" \
      --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port $((port + 1003 + i)) \
      --work-dir "$state/work" > "$state/logs/worker-$i.log" 2>&1 &
    echo $! > "$state/worker-$i.pid"
  done
  echo "master spark://127.0.0.1:$port with $workers workers ($cores cores, $memory each); logs in $state/logs"
}

stop() {
  for pid in "$state"/*.pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
    rm -f "$pid"
  done
  echo "stopped"
}

status() {
  local started alive json
  started=$(ls "$state"/worker-*.pid 2>/dev/null | wc -l)
  # the master's web UI serves its state as JSON: the workers it has registered and whether they are ALIVE
  if ! json=$(curl -fsS --max-time 5 "http://127.0.0.1:$((port + 1003))/json/" 2>/dev/null); then
    echo "master: not answering on http://127.0.0.1:$((port + 1003))/json/"
    return 1
  fi
  alive=$(printf '%s' "$json" | grep -o '"state" *: *"ALIVE"' | wc -l)
  echo "master spark://127.0.0.1:$port: $alive of $started workers ALIVE"
  [ "$started" -gt 0 ] && [ "$alive" -ge "$started" ]
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start [workers] [cores] [memory] | stop | status" >&2; exit 2 ;;
esac
