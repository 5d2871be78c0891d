#!/usr/bin/env python3
"""Plots the quality comparison recorded in bench/results/quality/ (see docs/TRAINING.md): FID against kimg, against
local steps per worker, and against training wall time, one line per run (sparkgan: NAME-eval.jsonl and
NAME-train.jsonl of bench/quality/sparkgan_run.sh; PyTorch: those of bench/quality/torch_run.sh, inference-mode
samples). Writes docs/images/quality-fid.png (or --out PATH). With --within SECONDS it also prints each run's best
FID among its points trained for at most that long. Needs python3-matplotlib.
    bench/quality/plot.py [--out PATH] [--within SECONDS] [RUN_NAME_PREFIX ...]     (default: every run)
"""
import glob
import json
import os
import re
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
RESULTS = os.path.join(ROOT, "bench", "results", "quality")
BATCH = 64


def lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def sparkgan_curve(name):
    evaluations = lines(os.path.join(RESULTS, f"{name}-eval.jsonl"))
    rounds = lines(os.path.join(RESULTS, f"{name}-train.jsonl"))
    workers = int(re.search(r"-w(\d+)", name).group(1))
    seconds_after = {}
    total = 0.0
    for r in rounds:
        total += r["seconds"]
        seconds_after[r["round"]] = total
    kimg = [e["kimg"] for e in evaluations]
    return {"kimg": kimg, "steps": [k * 1000 / (BATCH * workers) for k in kimg],
            "seconds": [seconds_after[e["round"]] for e in evaluations], "fid": [e["fid"] for e in evaluations]}


def torch_curve(name):
    scores = {e["point"]: e["fid"] for e in lines(os.path.join(RESULTS, f"{name}-eval.jsonl"))}
    points = [p for p in lines(os.path.join(RESULTS, f"{name}-train.jsonl")) if p["point"] + "-eval" in scores]
    kimg = [p["kimg"] for p in points]
    return {"kimg": kimg, "steps": [k * 1000 / BATCH for k in kimg],
            "seconds": [p["trainingSeconds"] for p in points], "fid": [scores[p["point"] + "-eval"] for p in points]}


def is_torch(name):
    return "torch" in name


def main():
    args, out, within = sys.argv[1:], os.path.join(ROOT, "docs", "images", "quality-fid.png"), None
    while args and args[0] in ("--out", "--within"):
        if args[0] == "--out":
            out = args[1]
        else:
            within = float(args[1])
        args = args[2:]
    prefixes = args
    names = sorted(os.path.basename(p)[:-len("-eval.jsonl")] for p in glob.glob(os.path.join(RESULTS, "*-eval.jsonl")))
    # runs of sparkgan_run.sh (NAME-wN-...) and torch_run.sh (torch-...) with both their files
    names = [n for n in names if os.path.exists(os.path.join(RESULTS, f"{n}-train.jsonl"))
             and (is_torch(n) or re.search(r"-w\d+", n))
             and (not prefixes or any(n.startswith(p) for p in prefixes))]
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))
    for name in names:
        curve = torch_curve(name) if is_torch(name) else sparkgan_curve(name)
        style = dict(marker="o", markersize=3, linestyle="--" if is_torch(name) else "-")
        if within is not None:
            inside = [(f, k, t) for f, k, t in zip(curve["fid"], curve["kimg"], curve["seconds"]) if t <= within]
            fid, kimg, seconds = min(inside)
            print(f"{name}: best FID {fid:.1f} at {kimg:.1f} kimg ({seconds:.0f} s of training; "
                  f"{len(inside)} points within {within:.0f} s)")
        for axis, x in zip(axes, ("kimg", "steps", "seconds")):
            axis.plot(curve[x], curve["fid"], label=name, **style)
    titles = ("FID against kimg (images shown, all workers)", "FID against local steps per worker",
              "FID against training time (s)")
    for axis, title in zip(axes, titles):
        axis.set_title(title, fontsize=10)
        axis.set_yscale("log")
        axis.set_ylabel("FID (10,000 samples, sparkgan's evaluator)")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    if within is not None:
        axes[2].axvline(within, color="grey", linewidth=1)
    fig.savefig(out, dpi=90)
    print(out)


if __name__ == "__main__":
    main()
