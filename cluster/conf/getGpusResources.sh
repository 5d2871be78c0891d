#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this host as {"name":"gpu","addresses":["0","1",...]}.
# Install it at the path that spark-defaults-gpu.conf and spark-worker-gpu.conf name on every executor host (YARN)
# or standalone worker; sparkgan's image (mvn -Papp-jar,image package) holds it there for Kubernetes.
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
