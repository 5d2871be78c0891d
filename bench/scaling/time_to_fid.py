#!/usr/bin/env python3
"""Time to quality of data-parallel training (issue 32): reads the evaluation logs that bench/quality/sparkgan_run.sh
copied to bench/results/quality/ (NAME-eval.jsonl, NAME-train.jsonl), groups runs into configurations by their
name less the seed suffix (dcgan-w4-or4-s42 -> dcgan-w4-or4), and prints, for each configuration, the steps per
worker at which its seed-mean FID curve first reaches each target (linear interpolation between checkpoints) and the
speedup S(N) = steps_1(F) / steps_N(F) against the baseline configuration. Targets: F120 and F240, the baseline's
seed-mean FID at 120 and 240 kimg of one worker (the mean of its evaluations within 8 steps of 1875 and 3750: steps
1872/1880 and 3744/3752; a target the baseline did not reach is left out).

Wall time is modelled as steps x STEP_S + rounds x fixed(N), from the step time and the fixed round cost measured
with executors in their own JVMs (docs/PERFORMANCE.md); --step-seconds and --fixed W:SECONDS override them.
Writes a plot (FID against steps per worker and against modelled wall time) with --plot PATH. Needs numpy and
matplotlib (Debian's python3-matplotlib: run it with /usr/bin/python3).
    /usr/bin/python3 bench/scaling/time_to_fid.py [--baseline dcgan-w1] [--plot docs/images/time-to-fid.png]
        [--averaging-every 8] [CONFIG ...]
"""
import argparse
import collections
import glob
import json
import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
RESULTS = os.path.join(ROOT, "bench", "results", "quality")


def lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def curves(prefixes):
    """{config: {seed: [(step, fid), ...]}} for every NAME-eval.jsonl whose name ends in -sSEED."""
    found = collections.defaultdict(dict)
    for path in sorted(glob.glob(os.path.join(RESULTS, "*-eval.jsonl"))):
        name = os.path.basename(path)[: -len("-eval.jsonl")]
        m = re.fullmatch(r"(.+)-s(\d+)", name)
        if not m or (prefixes and m.group(1) not in prefixes):
            continue
        points = {}
        for e in lines(path):
            if "step" in e and "fid" in e:
                points[e["step"]] = e["fid"]  # a resumed run re-evaluates nothing; the last value of a step wins
        found[m.group(1)][int(m.group(2))] = sorted(points.items())
    return found


def mean_curve(seeds):
    """The seeds' mean FID at the steps every seed evaluated."""
    common = set.intersection(*(set(s for s, _ in c) for c in seeds.values()))
    return [(s, sum(dict(c)[s] for c in seeds.values()) / len(seeds)) for s in sorted(common)]


def first_reach(curve, target):
    """Steps at which the curve first reaches target, interpolated between checkpoints; None if never."""
    for (s0, f0), (s1, f1) in zip(curve, curve[1:]):
        if f0 <= target:
            return s0
        if f1 <= target:
            return s0 + (s1 - s0) * (f0 - target) / (f0 - f1)
    return curve[0][0] if curve and curve[0][1] <= target else None


def workers_of(config):
    m = re.search(r"-w(\d+)", config)
    return int(m.group(1)) if m else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--baseline", default="dcgan-w1")
    p.add_argument("--plot")
    p.add_argument("--averaging-every", type=int, default=8)
    p.add_argument("--step-seconds", type=float, default=0.178,
                   help="one executor's step, 1 thread (PERFORMANCE.md, time to quality on a cluster)")
    p.add_argument("--fixed", action="append", default=[], help="W:SECONDS, the fixed cost of a round on W executors")
    p.add_argument("--title", default="MNIST, default DCGAN, batch 64 per worker: time to FID")
    p.add_argument("configs", nargs="*")
    a = p.parse_args()
    # the fixed cost of a round of 8 steps on 1, 2 and 4 executors in their own JVMs (PERFORMANCE.md, 2026-12-07)
    fixed = {1: 0.32, 2: 0.51, 4: 0.67}
    for item in a.fixed:
        w, s = item.split(":")
        fixed[int(w)] = float(s)
    wanted = set(a.configs) | {a.baseline} if a.configs else set()
    runs = curves(wanted)
    base = mean_curve(runs[a.baseline])
    at = dict(base)
    targets = {}
    for name, step in (("F120", 1875), ("F240", 3750)):
        # the mean of the baseline's evaluations at that budget (its last rounds end a few steps either side)
        near = [f for s, f in base if abs(s - step) <= 8]
        if near:
            targets[name] = sum(near) / len(near)
    print("targets: " + ", ".join(f"{k} = {v:.1f}" for k, v in targets.items()))
    base_steps = {k: first_reach(base, v) for k, v in targets.items()}
    print("steps per worker at which the seeds' mean FID curve first reaches each target (each seed's in brackets)")
    print(f"| configuration | seeds | last common step | " + " | ".join(
        f"steps to {k} | S" for k in targets) + " |")
    print("|---|---|---|" + "---|---|" * len(targets))
    for config in sorted(runs, key=lambda c: (workers_of(c), c)):
        curve = mean_curve(runs[config])
        if not curve:
            continue
        cells = []
        for k, v in targets.items():
            steps = first_reach(curve, v)
            each = [first_reach(c, v) for _, c in sorted(runs[config].items())]
            per_seed = "/".join("-" if e is None else f"{e:.0f}" for e in each)
            cells.append(("not reached" if steps is None else f"{steps:.0f}") + f" ({per_seed})")
            cells.append("" if steps is None else f"{base_steps[k] / steps:.2f}")
        seeds = ",".join(str(s) for s in sorted(runs[config]))
        print(f"| {config} | {seeds} | {curve[-1][0]} | " + " | ".join(cells) + " |")
    if a.plot:
        plot(runs, targets, a, fixed)


def plot(runs, targets, a, fixed):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    for config in sorted(runs, key=lambda c: (workers_of(c), c)):
        curve = mean_curve(runs[config])
        if not curve:
            continue
        n = workers_of(config)
        steps = [s for s, _ in curve]
        fids = [f for _, f in curve]
        seeds = len(runs[config])
        label = f"{config} ({seeds} seed{'' if seeds == 1 else 's'})"
        axes[0].plot(steps, fids, marker="o", ms=3, label=label)
        cost = fixed.get(n, max(fixed.values()))
        hours = [s * a.step_seconds / 3600 + s / a.averaging_every * cost / 3600 for s in steps]
        axes[1].plot(hours, fids, marker="o", ms=3, label=label)
    for ax in axes:
        for k, v in targets.items():
            ax.axhline(v, color="grey", lw=0.8, ls="--")
            ax.text(ax.get_xlim()[1], v, f" {k}", va="center", fontsize=8)
        ax.set_ylabel("FID (sparkgan evaluator, 10,000 samples; mean of seeds)")
        ax.set_ylim(20, 140)
        ax.grid(alpha=0.3)
    axes[0].set_xlabel("steps per worker")
    axes[1].set_xlabel(f"modelled wall time on a cluster (h): steps x {a.step_seconds} s + rounds x fixed cost")
    axes[0].legend(fontsize=8)
    fig.suptitle(a.title)
    fig.tight_layout()
    fig.savefig(a.plot, dpi=110)
    print("wrote " + a.plot)


if __name__ == "__main__":
    main()
