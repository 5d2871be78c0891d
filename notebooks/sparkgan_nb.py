"""What the notebooks share: where the data and runs are, and sparkgan's command line for everything Python cannot
read itself: Parquet and checkpoints (`sparkgan export`, `sparkgan sample`, `sparkgan features`, through numpy
files) and cluster storage (`sparkgan fetch` copies a run's or dataset's small files to a local cache).

Settings come from the environment, so one notebook serves any dataset or run. The locations are paths or URIs
(hdfs://, s3a://, file:):
  SPARKGAN_DATA      a dataset                       (default: the demo's, demo/mnist-train)
  SPARKGAN_RUN       a run directory                 (default: the demo's, demo/run)
  SPARKGAN_SCORES    the output of `sparkgan score`  (optional)
  SPARKGAN_UPSCALED  the output of `sparkgan upscale --evaluate` (optional)
  SPARKGAN_CONF      storage settings for every sparkgan call, as spark.hadoop.KEY=VALUE words (quoted as in a
                     shell), e.g. "spark.hadoop.fs.s3a.endpoint=http://minio:9000"
  SPARKGAN_CACHE     where remote runs and datasets are mirrored (default: ~/.cache/sparkgan)
  SPARKGAN_SERVE     0: one sparkgan process per call instead of one `sparkgan serve` per kernel (default 1)
  SPARKGAN           the command that runs sparkgan  (default: bin/sparkgan of this repository)
"""
import hashlib
import json
import os
import re
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
SPARKGAN = shlex.split(os.environ.get("SPARKGAN", str(REPO / "bin" / "sparkgan")))
CONF = [arg for setting in shlex.split(os.environ.get("SPARKGAN_CONF", "")) for arg in ("--conf", setting)]
CACHE = Path(os.environ.get("SPARKGAN_CACHE", Path.home() / ".cache" / "sparkgan"))
# seconds each sparkgan command took in this kernel (shown at the end of each notebook)
CALLS = []


def location(name, default=None):
    """A dataset's or run's location from the environment (a path or URI), or the default; None when neither."""
    value = os.environ.get(name, default)
    return None if value is None else str(value).rstrip("/")


def remote(uri):
    """Whether a location is on storage that Python cannot open (hdfs://, s3a://, ...), not a local path."""
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", uri) is not None and not uri.startswith("file:")


def local(uri):
    """A local directory holding a location's small files (run.json, metrics, samples, manifests, reports):
    the directory itself when it is local, else a mirror in SPARKGAN_CACHE that `sparkgan fetch` brings up to
    date on every call (only what changed is copied). Parquet and checkpoints stay where they are: read them
    through export, sample and features."""
    if not remote(uri):
        return Path(uri[len("file:"):] if uri.startswith("file:") else uri)
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", uri.split("://", 1)[1])[-80:]
    mirror = CACHE / (name + "-" + hashlib.sha1(uri.encode()).hexdigest()[:8])
    sparkgan("fetch", "--from", uri, "--to", mirror)
    return mirror


def join(uri, *parts):
    """A location inside another, for paths and URIs alike."""
    return "/".join([uri.rstrip("/")] + [str(p) for p in parts])


def sparkgan(*args):
    """Runs a sparkgan command (with SPARKGAN_CONF's settings); its output, or an error with the end of what it
    printed. Local files (Path arguments) go as file: URIs, which an fs.defaultFS setting does not redirect."""
    start = time.monotonic()
    words = [a.absolute().as_uri() if isinstance(a, Path) else str(a) for a in args] + CONF
    if SERVE:
        code, out, err = _served(words)
    else:
        done = subprocess.run(SPARKGAN + words, capture_output=True, text=True)
        code, out, err = done.returncode, done.stdout, done.stderr
    CALLS.append((args[0], round(time.monotonic() - start, 1)))
    if code != 0:
        raise RuntimeError("sparkgan %s failed (exit %d):\n%s" % (args[0], code, err[-3000:]))
    return out


SERVE = os.environ.get("SPARKGAN_SERVE", "1") != "0"
ANSWER = "sparkgan-serve: "
_server = None


def _served(words):
    """Runs a command in this kernel's `sparkgan serve` process, started on the first call (a JVM with Spark, kept
    until the kernel ends: later calls skip the JVM's and Spark's start; its logs go to SPARKGAN_CACHE/serve.log)."""
    global _server
    if _server is None or _server.poll() is not None:
        CACHE.mkdir(parents=True, exist_ok=True)
        with open(CACHE / "serve.log", "ab") as log:
            _server = subprocess.Popen(SPARKGAN + ["serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=log, text=True)
    _server.stdin.write(json.dumps(words) + "\n")
    _server.stdin.flush()
    for line in _server.stdout:
        if line.startswith(ANSWER):
            answer = json.loads(line[len(ANSWER):])
            return answer["exit"], answer["out"], answer["err"]
    raise RuntimeError("sparkgan serve ended (exit %s); see %s" % (_server.wait(), CACHE / "serve.log"))


def _arrays(path):
    with np.load(path) as arrays:
        return {name: arrays[name] for name in arrays.files}


def export(data, limit=None, ids=None):
    """A dataset (images, labels, ids) or a Parquet table of numbers (one array per column) as numpy arrays: the
    first `limit` rows by id, only the rows of the given `ids` (in that order), or everything."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "export.npz"
        args = ["export", "--data", data, "--output", out]
        if limit is not None:
            args += ["--limit", limit]
        if ids is not None:
            args += ["--ids", ",".join(str(int(i)) for i in ids)]
        sparkgan(*args)
        return _arrays(out)


def sample(run, latents, labels=None, checkpoint=None):
    """G's images (uint8, N x H x W x C) for the given latent vectors (and classes, for a conditional run)."""
    with tempfile.TemporaryDirectory() as tmp:
        z, out = Path(tmp) / "z.npy", Path(tmp) / "images.npy"
        np.save(z, np.asarray(latents, dtype=np.float32))
        args = ["sample", "--run-dir", run, "--latents", z, "--output", out]
        if labels is not None:
            np.save(Path(tmp) / "labels.npy", np.asarray(labels, dtype=np.int64))
            args += ["--labels", Path(tmp) / "labels.npy"]
        if checkpoint is not None:
            args += ["--checkpoint", checkpoint]
        sparkgan(*args)
        return np.load(out)


def features(data, images=None):
    """The evaluator's features (those of FID, precision and recall) of every image of a dataset (ids, features),
    and of the given images (imageFeatures; uint8, N x H x W x C), from the dataset's evaluator. The dataset's are
    computed once per dataset and evaluator and kept in SPARKGAN_CACHE/features; the images' on every call."""
    arrays = dict(_dataset_features(data))
    if images is not None:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "features.npz"
            np.save(Path(tmp) / "images.npy", np.asarray(images, dtype=np.uint8))
            sparkgan("features", "--data", data, "--images", Path(tmp) / "images.npy", "--images-only",
                     "--output", out)
            arrays.update(_arrays(out))
    return arrays


def _dataset_features(data):
    """A dataset's features from the cache, computed when the dataset, its manifest or its evaluator changed."""
    home = local(data)
    key = hashlib.sha1(data.encode())
    for name in ("_manifest.json", "_evaluator/evaluator.json"):
        key.update((home / name).read_bytes() if (home / name).exists() else b"none")
    cached = CACHE / "features" / (key.hexdigest()[:16] + ".npz")
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(cached.stem + ".partial.npz")
        sparkgan("features", "--data", data, "--output", partial, "--overwrite")
        os.replace(partial, cached)
    return _arrays(cached)


def slerp(a, b, t):
    """Spherical interpolation between latent vectors a and b (rows) at fractions t: under a Gaussian prior the
    points stay at the norms the prior gives, where a straight line passes through its unlikely centre."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    cos = np.sum(a * b, -1, keepdims=True) / (np.linalg.norm(a, axis=-1, keepdims=True)
                                             * np.linalg.norm(b, axis=-1, keepdims=True))
    omega = np.arccos(np.clip(cos, -1, 1))[..., None, :]
    t = np.asarray(t, dtype=np.float64)[:, None]
    a, b = a[..., None, :], b[..., None, :]
    small = np.abs(np.sin(omega)) < 1e-6  # (anti)parallel ends: the straight line is as good
    sin = np.where(small, 1, np.sin(omega))
    curve = (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / sin
    return np.where(small, (1 - t) * a + t * b, curve)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def read_jsonl(path):
    """A metrics log as a table, one row per line (empty when there is none)."""
    return pd.read_json(path, lines=True) if Path(path).exists() and Path(path).stat().st_size else pd.DataFrame()


def grid(images, columns):
    """Images (N x H x W x C, uint8) tiled into one picture, `columns` to a row, for imshow."""
    n, h, w, c = images.shape
    rows = -(-n // columns)
    out = np.zeros((rows * h, columns * w, c), dtype=images.dtype)
    for i, image in enumerate(images):
        r, k = divmod(i, columns)
        out[r * h:(r + 1) * h, k * w:(k + 1) * w] = image
    return out[:, :, 0] if c == 1 else out
