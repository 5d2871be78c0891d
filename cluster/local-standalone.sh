#!/usr/bin/env bash
# A real Spark standalone cluster on this machine: one master and N workers, each its own JVM, run from
# cluster/spark-home (a Spark 3.5 distribution's jars resolved by Maven; no Spark download needed). Like a real
# cluster it holds no sparkgan code: submit jobs with cluster/spark-submit.sh, which ships the application jar.
#   cluster/local-standalone.sh start [workers] [cores-per-worker] [memory-per-worker]   (default 2 1 3g)
#   cluster/local-standalone.sh stop       stops the processes this script started (and their executors); a pid
#                                          whose process no longer runs Spark's Master or Worker is left alone
#   cluster/local-standalone.sh status     exit 0 only when the master answers and every worker started is ALIVE
#   cluster/local-standalone.sh history    starts Spark's history server on the applications' event logs
# Environment: SPARK_MASTER_PORT (default 7077; the master's web UI is on port + 1003, workers' on the ones after,
# the history server's on port + 11003), SPARKGAN_STANDALONE_DIR (pids, logs, work directories, event logs and
# the cluster's conf; default cluster/.standalone).
# The cluster authenticates: start writes a new secret into $SPARKGAN_STANDALONE_DIR/conf/spark-defaults.conf
# (readable by this user only), with RPC encryption and event logging; the master, the workers and every
# application use that conf directory, and an application without the secret is refused. Then:
#   SPARK_CONF_DIR=cluster/.standalone/conf SPARK_HOME=cluster/spark-home \
#     cluster/spark-submit.sh --master spark://127.0.0.1:7077 -- train ...
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=${SPARKGAN_STANDALONE_DIR:-$root/cluster/.standalone}
export SPARK_HOME="$root/cluster/spark-home"
export SPARK_LOCAL_IP=127.0.0.1
export SPARK_LOG_DIR="$state/logs"
# executors inherit the workers' environment:
export OMP_WAIT_POLICY=PASSIVE           # idle OpenMP threads must not spin
export MALLOC_MMAP_THRESHOLD_=33554432   # freed ND4J buffers are reused, not unmapped and faulted in again
export MALLOC_TRIM_THRESHOLD_=17179869184
export MALLOC_ARENA_MAX=2                # one glibc arena per allocating thread would keep what each freed
port=${SPARK_MASTER_PORT:-7077}
# the cluster's Spark conf: the secret, encryption and the event log (spark-defaults.conf, as on a real cluster)
export SPARK_CONF_DIR="$state/conf"

start() {
  local workers=${1:-2} cores=${2:-1} memory=${3:-3g}
  mkdir -p "$state/logs" "$state/events"
  write_conf
  if [ -z "$(ls "$SPARK_HOME/jars" 2>/dev/null)" ]; then
    (cd "$root" && mvn -q -B -ntp -pl cluster package)
  fi
  nohup "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port $((port + 1003)) > "$state/logs/master.log" 2>&1 &
  echo $! > "$state/master.pid"
  for i in $(seq 1 "$workers"); do
    nohup "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" \
      --host 127.0.0.1 --cores "$cores" --memory "$memory" --webui-port $((port + 1003 + i)) \
      --work-dir "$state/work" > "$state/logs/worker-$i.log" 2>&1 &
    echo $! > "$state/worker-$i.pid"
  done
  echo "master spark://127.0.0.1:$port with $workers workers ($cores cores, $memory each); logs in $state/logs"
  echo "submit with SPARK_CONF_DIR=$SPARK_CONF_DIR (the cluster's secret; applications without it are refused)"
}

# A new shared secret for this cluster, readable by this user only: Spark's standalone mode authenticates every
# connection (master, workers, drivers, executors) with one secret, and encrypts RPC with keys derived from it.
write_conf() {
  local secret
  secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  mkdir -p "$SPARK_CONF_DIR"
  (
    umask 077
    cat > "$SPARK_CONF_DIR/spark-defaults.conf" <<CONF
# Written by cluster/local-standalone.sh start: this cluster's settings, for its daemons and its applications.
spark.authenticate                 true
spark.authenticate.secret          $secret
spark.network.crypto.enabled       true
# every application's event log, for the history server (local-standalone.sh history)
spark.eventLog.enabled             true
spark.eventLog.dir                 file://$state/events
spark.history.fs.logDirectory      file://$state/events
spark.history.ui.port              $((port + 11003))
CONF
  )
}

history() {
  nohup "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.history.HistoryServer \
    > "$state/logs/history.log" 2>&1 &
  echo $! > "$state/history.pid"
  echo "history server on http://127.0.0.1:$((port + 11003)) (event logs in $state/events)"
}

# Whether process $1 still runs the Spark main class $2: a pid file outlives its process, and the system reuses pids.
runs_spark_class() {
  local pid=$1 class=$2 args
  if [ -d /proc ]; then
    args=$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
  else
    args=$(ps -ww -o args= -p "$pid" 2>/dev/null | tr ' ' '\n') || return 1
  fi
  grep -qxF "$class" <<< "$args"
}

stop() {
  local pid class
  for file in "$state"/*.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    case "$(basename "$file")" in
      master.pid) class=org.apache.spark.deploy.master.Master ;;
      history.pid) class=org.apache.spark.deploy.history.HistoryServer ;;
      *) class=org.apache.spark.deploy.worker.Worker ;;
    esac
    if runs_spark_class "$pid" "$class"; then
      # a worker's executors are its children: stop them with it
      pkill -TERM -P "$pid" 2>/dev/null || true
      kill "$pid" 2>/dev/null || true
    else
      echo "$file: process $pid is not running $class (it ended); left alone"
    fi
    rm -f "$file"
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
  history) history ;;
  *) echo "usage: $0 start [workers] [cores] [memory] | stop | status | history" >&2; exit 2 ;;
esac
