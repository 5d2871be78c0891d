"""Airflow DAG: retrain the registry's model daily, then generate synthetic data only when a new model was promoted.

`sparkgan retrain` exits 99 when it trained fine but kept the old model; BashOperator marks a task *skipped* on
exit code 99 (its `skip_on_exit_code` default), so the generation task downstream is skipped with it, and a
real failure fails the run. The driver runs in the cluster (YARN cluster mode), where spark-submit does not carry
its exit code: cluster/spark-submit.sh reads it back from the outcome the driver recorded in the registry
(cluster/README.md, "Exit codes in every deploy mode"). /opt/sparkgan is a checkout of sparkgan on the Airflow
host with the application jar built (mvn -Papp-jar -DskipTests package) and SPARK_HOME set.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

SUBMIT = (
    "/opt/sparkgan/cluster/spark-submit.sh --master yarn --deploy-mode cluster"
    " --conf-file /opt/sparkgan/cluster/conf/spark-defaults-cpu.conf --conf spark.yarn.maxAppAttempts=1 --"
)
REGISTRY = "hdfs:///models/mnist"

with DAG(
    dag_id="sparkgan_retrain",
    schedule="30 2 * * *",
    start_date=datetime(2026, 12, 1),
    catchup=False,
) as dag:
    retrain = BashOperator(
        task_id="retrain",
        bash_command=f"{SUBMIT} retrain --registry {REGISTRY} --data hdfs:///datasets/mnist-{{{{ ds }}}} --kimg 60",
        skip_on_exit_code=99,
    )
    generate = BashOperator(
        task_id="generate",
        bash_command=f"{SUBMIT} generate --registry {REGISTRY} --count 60000"
        " --output hdfs:///synthetic/mnist-{{ ds }}",
    )
    retrain >> generate
