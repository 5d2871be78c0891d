"""What the notebooks share: where the data and runs are, and sparkgan's command line for what Python cannot read
itself (Parquet, checkpoints), through numpy files (`sparkgan export`, `sparkgan sample`).

Settings come from the environment, so one notebook serves any dataset or run:
  SPARKGAN_DATA      a dataset directory             (default: the demo's, demo/mnist-train)
  SPARKGAN_RUN       a run directory                 (default: the demo's, demo/run)
  SPARKGAN_SCORES    the output of `sparkgan score`  (optional)
  SPARKGAN_UPSCALED  the output of `sparkgan upscale --evaluate` (optional)
  SPARKGAN           the command that runs sparkgan  (default: bin/sparkgan of this repository)
"""
import json
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
SPARKGAN = shlex.split(os.environ.get("SPARKGAN", str(REPO / "bin" / "sparkgan")))


def setting(name, default=None):
    """A path from the environment (file: URIs as local paths), or the default; None when neither is set."""
    value = os.environ.get(name, default)
    if value is None:
        return None
    value = str(value)
    return Path(value[len("file:"):] if value.startswith("file:") else value)


def sparkgan(*args):
    """Runs a sparkgan command; its output, or an error with the end of what it printed."""
    done = subprocess.run(SPARKGAN + [str(a) for a in args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError("sparkgan %s failed (exit %d):\n%s" % (args[0], done.returncode, done.stderr[-3000:]))
    return done.stdout


def export(data, limit=None):
    """A dataset (images, labels, ids) or a Parquet table of numbers (one array per column) as numpy arrays."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "export.npz"
        sparkgan("export", "--data", data, "--output", out, *(["--limit", limit] if limit else []))
        with np.load(out) as arrays:
            return {name: arrays[name] for name in arrays.files}


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
