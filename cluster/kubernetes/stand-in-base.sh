#!/usr/bin/env bash
# Writes a stand-in for the official Spark image, for building sparkgan's image where Docker Hub cannot be reached
# (the build machine of this project): an image tarball, as docker save writes it, with the official image's
# configuration (entrypoint /opt/entrypoint.sh, user 185, working directory /opt/spark/work-dir, SPARK_HOME) and one
# layer holding a placeholder entrypoint, but no Java and no Spark. The image built on it checks the layout only
# (ContainerImageIT) and runs nothing:
#   cluster/kubernetes/stand-in-base.sh /tmp/spark-stand-in.tar
#   mvn -Papp-jar,image -Dsparkgan.image.base=tar:///tmp/spark-stand-in.tar verify
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTPUT.tar" >&2; exit 2; }
out=$(realpath -m "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/opt/spark/work-dir" "$work/image"
printf '#!/bin/sh\necho "stand-in for the official Spark image: no Spark here" >&2\nexit 1\n' >"$work/root/opt/entrypoint.sh"
chmod 755 "$work/root/opt/entrypoint.sh"
tar -C "$work/root" --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -cf "$work/image/layer.tar" opt
diff_id=$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
cat >"$work/image/config.json" <<JSON
{"architecture": "amd64", "os": "linux",
 "config": {"Env": ["PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "JAVA_HOME=/opt/java/openjdk", "SPARK_HOME=/opt/spark"],
            "Entrypoint": ["/opt/entrypoint.sh"], "WorkingDir": "/opt/spark/work-dir", "User": "185"},
 "rootfs": {"type": "layers", "diff_ids": ["sha256:$diff_id"]},
 "history": [{"created_by": "cluster/kubernetes/stand-in-base.sh"}]}
JSON
echo '[{"Config": "config.json", "RepoTags": ["spark-stand-in:3.5"], "Layers": ["layer.tar"]}]' >"$work/image/manifest.json"
tar -C "$work/image" --owner=0 --group=0 --numeric-owner -cf "$out.tmp" manifest.json config.json layer.tar
mv "$out.tmp" "$out"
echo "$out"
