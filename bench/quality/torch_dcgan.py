#!/usr/bin/env python3
"""Trains a GAN in plain PyTorch the way sparkgan's single-machine step does, for the quality comparison of
bench/quality/compare.sh: the same networks as bench/torch_gan_step.py (DCGAN or the TensorFlow tutorial's DCGAN_K5),
the same data (MNIST from the IDX files, scaled to [-1, 1]), the same recipe (N(0, 0.02) weights, zero biases, batch
norm gamma 1 and beta 0, Adam 2e-4 / beta1 0.5, batch 64, non-saturating loss on D's logits, one noise batch per step
for D's and G's update) and the same data order policy (a fresh random permutation per epoch).

At each point of --kimg (thousands of real images shown to D) it writes --samples generated images as PNG files into
OUT/<kimg>kimg-eval/ (G in inference mode, batch-norm running statistics, as sparkgan samples) and
OUT/<kimg>kimg-train/ (G in training mode, each block of 500 normalised by its own statistics, as the PyTorch DCGAN
example samples), ready for `sparkgan prep --from image-folder`; and one JSON line per point in OUT/progress.jsonl.

Needs Debian's python3-torch (apt-get install python3-torch python3-pil libopenblas0-pthread) with an optimised
BLAS: it refuses to run on the reference BLAS (about 9x slower,
docs/PERFORMANCE.md), which would make any time comparison meaningless.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
from PIL import Image
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_gan_step import dcgan, dcgan_k5  # noqa: E402  (the networks of the step benchmark)


def require_optimised_blas():
    a = torch.randn(256, 256)
    a @ a
    with open("/proc/self/maps") as maps:
        libraries = maps.read()
    if "openblas" not in libraries and "mkl" not in libraries:
        sys.exit("PyTorch is not using OpenBLAS or MKL (apt-get install libopenblas0-pthread): refusing to time it")


def read_mnist(folder):
    with gzip.open(os.path.join(folder, "train-images-idx3-ubyte.gz"), "rb") as f:
        data = f.read()
    count = int.from_bytes(data[4:8], "big")
    images = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, 1, 28, 28)
    return torch.from_numpy(images.astype(np.float32) / 127.5 - 1.0)


def initialise(module):
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)


def write_samples(g, latent, count, seed, folder, training_mode):
    os.makedirs(folder, exist_ok=True)
    generator = torch.Generator().manual_seed(seed)
    g.train(training_mode)
    written = 0
    with torch.no_grad():
        while written < count:
            n = min(500, count - written)
            images = g(torch.randn(n, latent, generator=generator))
            pixels = ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()
            for i in range(n):
                Image.fromarray(pixels[i, 0], mode="L").save(os.path.join(folder, f"{written + i:05d}.png"))
            written += n
    g.train(True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arch", choices=["dcgan", "dcgan_k5"], default="dcgan")
    parser.add_argument("--mnist", default="data/mnist")
    parser.add_argument("--out", required=True)
    parser.add_argument("--kimg", default="60,120", help="comma-separated points to sample at")
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--modes", default="eval,train", help="sampling modes to write at each point")
    parser.add_argument("--seconds", type=float, default=0,
                        help="training time limit: stops at the first step past it and samples there too (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-4, help="both Adam rates (issue 32's large-batch anchor)")
    parser.add_argument("--warmup-kimg", type=float, default=0,
                        help="both rates rise linearly from 0 to --lr over this many kimg (default 0: none)")
    parser.add_argument("--latent", type=int, default=100)
    parser.add_argument("--base-width", type=int, default=64)
    args = parser.parse_args()
    require_optimised_blas()
    torch.manual_seed(args.seed)
    real = read_mnist(args.mnist)
    g, d = (dcgan_k5 if args.arch == "dcgan_k5" else dcgan)(28, 28, 1, args.latent, args.base_width)
    g.apply(initialise)
    d.apply(initialise)
    opt_g = torch.optim.Adam(g.parameters(), lr=args.lr, betas=(0.5, 0.999), eps=1e-8)
    opt_d = torch.optim.Adam(d.parameters(), lr=args.lr, betas=(0.5, 0.999), eps=1e-8)
    points = sorted(float(k) for k in args.kimg.split(","))
    modes = [(mode, mode == "train") for mode in args.modes.split(",")]
    os.makedirs(args.out, exist_ok=True)
    progress = open(os.path.join(args.out, "progress.jsonl"), "a")
    order, position, shown, training_seconds = torch.randperm(len(real)), 0, 0, 0.0
    ones, zeros = torch.ones(args.batch, 1), torch.zeros(args.batch, 1)
    for point in points:
        start = time.perf_counter()
        out_of_time = False
        while shown < point * 1000:
            if args.seconds and training_seconds + time.perf_counter() - start > args.seconds:
                out_of_time = True
                break
            if position + args.batch > len(real):
                order, position = torch.randperm(len(real)), 0
            x = real[order[position:position + args.batch]]
            position += args.batch
            if args.warmup_kimg > 0:
                for group in opt_g.param_groups + opt_d.param_groups:
                    group["lr"] = args.lr * min(1.0, (shown + args.batch) / (args.warmup_kimg * 1000))
            fake = g(torch.randn(args.batch, args.latent))
            d_loss = (F.binary_cross_entropy_with_logits(d(x), ones)
                      + F.binary_cross_entropy_with_logits(d(fake.detach()), zeros))
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
            g_loss = F.binary_cross_entropy_with_logits(d(fake), ones)
            opt_g.zero_grad(set_to_none=True)
            g_loss.backward()
            opt_g.step()
            shown += args.batch
        training_seconds += time.perf_counter() - start
        label = f"{shown / 1000:g}kimg" if out_of_time else f"{point:g}kimg"
        for mode, training_mode in modes:
            write_samples(g, args.latent, args.samples, 1000 + args.seed, os.path.join(args.out, f"{label}-{mode}"),
                          training_mode)
        line = {"arch": args.arch, "seed": args.seed, "batch": args.batch, "lr": args.lr, "warmupKimg": args.warmup_kimg, "point": label, "kimg": shown / 1000, "trainingSeconds": training_seconds,
                "imagesPerSecond": shown / training_seconds, "threads": torch.get_num_threads(),
                "dLoss": d_loss.item(), "gLoss": g_loss.item()}
        progress.write(json.dumps(line) + "\n")
        progress.flush()
        print(json.dumps(line), flush=True)
        if out_of_time:
            break


if __name__ == "__main__":
    main()
