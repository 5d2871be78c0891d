#!/usr/bin/env bash
# Training on Kubernetes with spark-submit (cluster mode). The image must hold Spark 3.5 (Scala 2.12) and the
# application jar at /opt/sparkgan/sparkgan-app.jar (build it with mvn -Papp-jar -DskipTests package).
#   K8S_API=https://k8s.example:6443 IMAGE=registry/sparkgan:0.1 cluster/kubernetes/submit-train.sh \
#     --data s3a://bucket/datasets/mnist --run-dir s3a://bucket/runs/mnist-1 --workers 8
set -euo pipefail
: "${K8S_API:?}" "${IMAGE:?}"
exec "$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S_API" --deploy-mode cluster --name sparkgan-train \
  --class io.sparkgan.jobs.SparkGanCli \
  --properties-file "$(dirname "$0")/../conf/spark-defaults-cpu.conf" \
  --conf spark.executor.instances="${EXECUTORS:-8}" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="${SERVICE_ACCOUNT:-spark}" \
  local:///opt/sparkgan/sparkgan-app.jar train "$@"
