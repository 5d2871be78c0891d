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

The PyTorch anchor (--torch CONFIG, repeatable): runs of bench/quality/torch_run.sh, whose points are kimg (steps =
kimg x 1000 / the run's batch, from NAME-train.jsonl) scored in inference mode. Their own targets come from
--torch-baseline (PyTorch at batch 64, the same recipe as one worker) at 120 and 240 kimg, their S the same way; and
sparkgan's configurations are read at the anchor's steps (the issue's "at least as good per step").
    /usr/bin/python3 bench/scaling/time_to_fid.py [--baseline dcgan-w1] [--plot docs/images/time-to-fid.png]
        [--averaging-every 8] [--torch torch-b256-lr8e-4 ...] [--torch-baseline torch-dcgan] [CONFIG ...]
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


def torch_curves(prefixes):
    """{config: {seed: [(step, fid), ...]}} of PyTorch runs: their eval-mode points, kimg turned into steps."""
    found = collections.defaultdict(dict)
    for config in prefixes:
        for path in sorted(glob.glob(os.path.join(RESULTS, config + "-s*-eval.jsonl"))):
            name = os.path.basename(path)[: -len("-eval.jsonl")]
            seed = int(re.fullmatch(r".+-s(\d+)", name).group(1))
            batch = lines(os.path.join(RESULTS, name + "-train.jsonl"))[0].get("batch", 64)
            points = {}
            for e in lines(path):
                m = re.fullmatch(r"([\d.]+)kimg-eval", e["point"])
                if m:
                    points[round(float(m.group(1)) * 1000 / batch)] = e["fid"]
            found[config][seed] = sorted(points.items())
    return found


def at_step(curve, step):
    """The curve's FID at step, interpolated between checkpoints; None outside it."""
    for (s0, f0), (s1, f1) in zip(curve, curve[1:]):
        if s0 <= step <= s1:
            return f0 + (f1 - f0) * (step - s0) / (s1 - s0)
    return None


def targets_of(curve, points, within):
    """{F120, F240}: the mean of the curve's values within `within` steps of each of points' two steps."""
    targets = {}
    for name, step in zip(("F120", "F240"), points):
        near = [f for s, f in curve if abs(s - step) <= within]
        if near:
            targets[name] = sum(near) / len(near)
    return targets


def speedup_table(runs, targets, base_steps, order):
    print(f"| configuration | seeds | last common step | " + " | ".join(
        f"steps to {k} | S" for k in targets) + " |")
    print("|---|---|---|" + "---|---|" * len(targets))
    for config in sorted(runs, key=order):
        curve = mean_curve(runs[config])
        if not curve:
            continue
        cells = []
        for k, v in targets.items():
            steps = first_reach(curve, v)
            each = [first_reach(c, v) for _, c in sorted(runs[config].items())]
            per_seed = "/".join("-" if e is None else f"{e:.0f}" for e in each)
            cells.append(("not reached" if steps is None else f"{steps:.0f}") + f" ({per_seed})")
            cells.append("" if steps is None or base_steps.get(k) is None else f"{base_steps[k] / steps:.2f}")
        seeds = ",".join(str(s) for s in sorted(runs[config]))
        print(f"| {config} | {seeds} | {curve[-1][0]} | " + " | ".join(cells) + " |")


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
    p.add_argument("--torch", action="append", default=[], help="a PyTorch anchor configuration (repeatable)")
    p.add_argument("--torch-baseline", default="torch-dcgan", help="PyTorch at batch 64: the anchor's targets")
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
    targets = targets_of(base, (1875, 3750), 8)
    print("targets: " + ", ".join(f"{k} = {v:.1f}" for k, v in targets.items()))
    base_steps = {k: first_reach(base, v) for k, v in targets.items()}
    print("steps per worker at which the seeds' mean FID curve first reaches each target (each seed's in brackets)")
    speedup_table(runs, targets, base_steps, lambda c: (workers_of(c), c))
    anchors = torch_curves(a.torch + [a.torch_baseline]) if a.torch else {}
    if anchors:
        torch_base = mean_curve(anchors[a.torch_baseline])
        torch_targets = targets_of(torch_base, (1875, 3750), 0)
        print("\nPyTorch anchor: targets of " + a.torch_baseline + ": "
              + ", ".join(f"{k} = {v:.1f}" for k, v in torch_targets.items()))
        torch_steps = {k: first_reach(torch_base, v) for k, v in torch_targets.items()}
        speedup_table(anchors, torch_targets, torch_steps, lambda c: c)
        print("\nper step: FID at the anchor's steps (seed means, interpolated between checkpoints)")
        steps = sorted({s for c in a.torch for s, _ in mean_curve(anchors[c])})
        print("| configuration | " + " | ".join(f"step {s}" for s in steps) + " |")
        print("|---|" + "---|" * len(steps))
        for config, curve in [(c, mean_curve(anchors[c])) for c in a.torch] + [
                (c, mean_curve(runs[c])) for c in sorted(runs, key=lambda c: (workers_of(c), c))]:
            values = [at_step(curve, s) for s in steps]
            print(f"| {config} | " + " | ".join("" if v is None else f"{v:.1f}" for v in values) + " |")
    if a.plot:
        plot(runs, targets, a, fixed, {c: anchors[c] for c in a.torch})


def plot(runs, targets, a, fixed, anchors):
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
    for config, seeds in anchors.items():
        curve = mean_curve(seeds)
        axes[0].plot([s for s, _ in curve], [f for _, f in curve], ls="--", marker="s", ms=3,
                     label=f"PyTorch {config}, one process ({len(seeds)} seed{'' if len(seeds) == 1 else 's'})")
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
