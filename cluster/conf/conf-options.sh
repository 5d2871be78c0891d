# Sourced by the cluster kit's scripts. conf_options FILE prints each "key value" line of a spark-defaults-style
# file (# comments, blank lines) as the two arguments --conf key=value, NUL-separated:
#   mapfile -d '' options < <(conf_options cluster/conf/spark-defaults-cpu.conf)
# With them a script adds sparkgan's settings to the site's spark-defaults.conf; spark-submit --properties-file
# would be read instead of it (Spark 3.5), dropping the site's event log, queue, credentials and secret.
conf_options() {
  local key value
  [ -f "$1" ] || { echo "--conf-file $1: no such file" >&2; return 2; }
  while read -r key value; do
    case "$key" in '' | '#'*) continue ;; esac
    printf '%s\0%s\0' --conf "$key=$value"
  done < "$1"
}
