#!/usr/bin/env bash
# Training on Kubernetes with spark-submit (cluster mode): the driver and the executors run in sparkgan's image
# (mvn -Papp-jar,image -DskipTests package, then push spark-jobs/target/sparkgan-image.tar to a registry), which
# holds Spark 3.5, Java 17 and the application jar at /opt/sparkgan/sparkgan-app.jar. Run as the service account of
# rbac.yaml (kubectl apply -f cluster/kubernetes/rbac.yaml) in its namespace.
#   K8S_API=https://k8s.example:6443 IMAGE=registry.example.com/sparkgan:0.1.0 cluster/kubernetes/submit-train.sh \
#     --data s3a://bucket/datasets/mnist --run-dir s3a://bucket/runs/mnist-1 --workers 8
# Environment: SPARK_HOME (a Spark 3.5 distribution on this machine), K8S_API, IMAGE; optional NAMESPACE (sparkgan),
# SERVICE_ACCOUNT (sparkgan), EXECUTORS (8). To run the official apache/spark image with a jar from this machine
# instead, APP_JAR=spark-jobs/target/spark-jobs-0.1.0-SNAPSHOT-app.jar and UPLOAD_PATH=s3a://bucket/spark-uploads:
# spark-submit copies the jar there (spark.kubernetes.file.upload.path) and the driver fetches it.
# In Kubernetes cluster mode spark-submit exits 0 whatever the driver did (Spark 3.5): the training's exit code is
# in its outcome, `sparkgan outcome --run-dir URI --expect-name NAME` (NAME: $NAME, default sparkgan-train-<time>).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../conf/conf-options.sh"
refuse() {
  echo "kubernetes/submit-train.sh: $*" >&2
  exit 2
}
[ -n "${SPARK_HOME:-}" ] || refuse "set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution on this machine"
[ -n "${K8S_API:-}" ] || refuse "set K8S_API to the Kubernetes API server, e.g. https://k8s.example:6443"
[ -n "${IMAGE:-}" ] || refuse "set IMAGE to sparkgan's image in a registry the cluster pulls from"
app_jar=${APP_JAR:-local:///opt/sparkgan/sparkgan-app.jar}
upload=()
if [[ "$app_jar" != local://* ]]; then
  [ -f "$app_jar" ] || refuse "APP_JAR=$app_jar is not a file"
  [ -n "${UPLOAD_PATH:-}" ] ||
    refuse "APP_JAR=$app_jar is on this machine: set UPLOAD_PATH to a directory the driver can read (s3a://, hdfs://)"
  upload=(--conf spark.kubernetes.file.upload.path="$UPLOAD_PATH")
fi
mapfile -d '' settings < <(conf_options "$(dirname "$0")/../conf/spark-defaults-cpu.conf")
name=${NAME:-sparkgan-train-$(date -u +%Y%m%dT%H%M%SZ)}
echo "application $name; its exit code afterwards: sparkgan outcome --run-dir ... --expect-name $name" >&2
exec "$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S_API" --deploy-mode cluster --name "$name" \
  --class io.sparkgan.jobs.cli.SparkGanCli "${settings[@]}" \
  --conf spark.executor.instances="${EXECUTORS:-8}" \
  --conf spark.kubernetes.namespace="${NAMESPACE:-sparkgan}" \
  --conf spark.kubernetes.container.image="$IMAGE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="${SERVICE_ACCOUNT:-sparkgan}" \
  "${upload[@]}" \
  "$app_jar" train "$@"
