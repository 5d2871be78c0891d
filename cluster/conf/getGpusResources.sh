#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this host as {"name":"gpu","addresses":["0","1",...]}.
# Install it on every executor host at the path that spark-defaults-gpu.conf names.
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
