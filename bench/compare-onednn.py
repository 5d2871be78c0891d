#!/usr/bin/env python3
"""Per-primitive comparison of two oneDNN verbose traces: sparkgan's and PyTorch's run of the same GAN step.

    OMP_NUM_THREADS=1 DNNL_VERBOSE=1 bin/sparkgan bench-step --architecture DCGAN --shape 64x64x3 --threads 1 \\
        --steps 2 --warmup 1 > sparkgan.trace
    OMP_NUM_THREADS=1 ONEDNN_VERBOSE=1 python3 bench/torch_gan_step.py --arch DCGAN --shape 64x64x3 --threads 1 \\
        --steps 2 --warmup 1 > pytorch.trace
    bench/compare-onednn.py sparkgan.trace pytorch.trace --steps 3

libnd4j's oneDNN reads DNNL_VERBOSE, PyTorch's newer one ONEDNN_VERBOSE. Each `exec` line of a trace is one
primitive call with its time in ms; calls are grouped by primitive, propagation kind (forward training and
inference counted together) and problem shape, and divided by the number of steps both runs executed (warm-up
included). The 1024x1024 matrix multiplies of bench-step's sgemm probe are left out. PyTorch runs its transposed
convolutions without oneDNN (slow_conv_transpose2d), so they appear on sparkgan's side only.
"""
import argparse
import collections


def load(path):
    total, calls = collections.Counter(), collections.Counter()
    with open(path, errors="replace") as trace:
        for line in trace:
            fields = line.strip().split(",")
            if len(fields) < 11 or fields[1] != "exec":
                continue
            primitive, prop, problem = fields[3], fields[5], fields[-2]
            if primitive == "matmul" and "1024x1024" in problem:
                continue
            key = (primitive, prop.replace("_inference", "").replace("_training", ""), problem)
            total[key] += float(fields[-1])
            calls[key] += 1
    return total, calls


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sparkgan")
    parser.add_argument("pytorch")
    parser.add_argument("--steps", type=int, default=3, help="GAN steps each run executed (default 3)")
    parser.add_argument("--rows", type=int, default=25)
    args = parser.parse_args()
    ours, our_calls = load(args.sparkgan)
    theirs, their_calls = load(args.pytorch)
    keys = sorted(set(ours) | set(theirs), key=lambda k: -(ours.get(k, 0) + theirs.get(k, 0)))
    print("| primitive | pass | problem | sparkgan ms/step | PyTorch ms/step | sparkgan calls/step"
          " | PyTorch calls/step |")
    print("|---|---|---|---|---|---|---|")
    for key in keys[:args.rows]:
        print("| %s | %s | %s | %.1f | %.1f | %.1f | %.1f |" % (
            key[0], key[1], key[2], ours.get(key, 0) / args.steps, theirs.get(key, 0) / args.steps,
            our_calls.get(key, 0) / args.steps, their_calls.get(key, 0) / args.steps))
    by_primitive = collections.Counter()
    for source, counter in (("sparkgan", ours), ("PyTorch", theirs)):
        for key, ms in counter.items():
            by_primitive[(source, key[0])] += ms / args.steps
    print()
    for source in ("sparkgan", "PyTorch"):
        parts = sorted(((p, ms) for (s, p), ms in by_primitive.items() if s == source), key=lambda x: -x[1])
        print("%s: %.0f ms/step in oneDNN (%s)" % (source, sum(ms for _, ms in parts),
                                                 ", ".join("%s %.0f" % part for part in parts)))


if __name__ == "__main__":
    main()
