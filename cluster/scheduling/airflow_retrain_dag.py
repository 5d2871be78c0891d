"""Airflow DAG: retrain the registry's model daily, then generate synthetic data only when a new model was promoted.

`sparkgan retrain` exits 99 when it trained fine but kept the old model; BashOperator marks a task *skipped* on
exit code 99 (its `skip_on_exit_code` default), so the generation task downstream is skipped with it, and a
real failure fails the run.
"""
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator

SUBMIT = "/opt/sparkgan/cluster/spark-submit.sh --master yarn --deploy-mode cluster --"
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
