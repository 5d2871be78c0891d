#!/usr/bin/env bash
# Upscale throughput per core (issue 20): `sparkgan upscale` pinned to one core (taskset, so local mode runs one
# task with one ND4J thread), for each RUN DATA pair given; the job's own time (reading, G, writing Parquet, without
# the JVM's start) from its summary line, one JSON line each in bench/results/superres/throughput.jsonl.
#   bench/superres/throughput.sh RUN DATA [RUN DATA ...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
sparkgan=${SPARKGAN:-$root/bin/sparkgan}
out="$root/bench/results/superres"
mkdir -p "$out"
while [ $# -ge 2 ]; do
  run=$1 data=$2
  shift 2
  line=$(taskset -c 0 "$sparkgan" upscale --run-dir "$run" --data "$data" --output "${TMPDIR:-/tmp}/sparkgan-throughput" \
    --overwrite | grep '^upscaled ')
  echo "$line"
  images=$(awk '{print $2}' <<<"$line")
  scale=$(sed -E 's/.* by ([0-9]+) with .*/\1/' <<<"$line")
  seconds=$(sed -E 's/.* in ([0-9.]+) s .*/\1/' <<<"$line")
  echo "{\"date\":\"$(date +%F)\",\"run\":\"$run\",\"data\":\"$data\",\"scale\":$scale,\"images\":$images,\"seconds\":$seconds,\"cores\":1}" \
    >> "$out/throughput.jsonl"
done
