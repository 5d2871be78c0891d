#!/usr/bin/env bash
# Peak resident memory of a sparkgan command, per phase.
#   bench/memory/peak_rss.sh NAME -- bin/sparkgan demo --dir /tmp/demo-fresh
# Samples VmRSS of the java process every 0.5 s, timestamps every line the command prints, and writes
# bench/results/memory/NAME.log (the command's output with times), NAME.rss (time, kB) and NAME.txt (peaks per phase,
# from bench/memory/phases.py). Phases are told apart by the lines the demo and the trainer print.
set -euo pipefail
name=$1; shift; [ "$1" = "--" ] && shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$root/bench/results/memory"; mkdir -p "$out"
: > "$out/$name.rss"
"$@" 2>&1 | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done > "$out/$name.log" &
pipeline=$!
java_pid=""
while kill -0 "$pipeline" 2>/dev/null; do
  if [ -z "$java_pid" ]; then
    java_pid=$(pgrep -n -f "io.sparkgan.jobs.cli.SparkGanCli" || true)
  fi
  if [ -n "$java_pid" ] && [ -r "/proc/$java_pid/status" ]; then
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$java_pid/status" 2>/dev/null || true)
    [ -n "$rss" ] && printf '%s %s\n' "$(date +%s.%N)" "$rss" >> "$out/$name.rss"
  fi
  sleep 0.5
done
wait "$pipeline" || true
python3 "$root/bench/memory/phases.py" "$out/$name.log" "$out/$name.rss" | tee "$out/$name.txt"
