#!/usr/bin/env python3
"""One GAN step (D update on a real and a fake batch, then G update through D) in PyTorch, for the same
networks that sparkgan's GanNetworks builds, timed the way `sparkgan bench-step` times its step.

Prints one JSON line per thread count with the same keys as `sparkgan bench-step --json`.
Needs Debian's python3-torch (CPU); run it with OMP_NUM_THREADS set to the thread count, as
bench/compare-step.sh does, so that every pool in the process keeps to it.
"""
import argparse
import json
import resource
import statistics
import time

import torch
from torch import nn


def dcgan(h, w, c, latent, bw):
    """Radford et al.: 4x4 stride-2 (transposed) convolutions, BN, ReLU in G and LeakyReLU(0.2) in D."""
    stages = 0
    sh, sw = h, w
    while sh % 2 == 0 and sw % 2 == 0 and sh // 2 >= 4 and sw // 2 >= 4:
        sh, sw, stages = sh // 2, sw // 2, stages + 1
    ch = bw << (stages - 1)
    g = [nn.Linear(latent, sh * sw * ch, bias=False), nn.Unflatten(1, (ch, sh, sw)), nn.BatchNorm2d(ch), nn.ReLU()]
    for _ in range(1, stages):
        g += [nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch // 2), nn.ReLU()]
        ch //= 2
    g += [nn.ConvTranspose2d(ch, c, 4, 2, 1), nn.Tanh()]
    d = [nn.Conv2d(c, bw, 4, 2, 1), nn.LeakyReLU(0.2)]
    ch = bw
    for _ in range(1, stages):
        d += [nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch * 2), nn.LeakyReLU(0.2)]
        ch *= 2
    d += [nn.Flatten(), nn.Linear(ch * (h >> stages) * (w >> stages), 1)]
    return nn.Sequential(*g), nn.Sequential(*d)


def dcgan_k5(h, w, c, latent, bw):
    """The TensorFlow tutorial's DCGAN (5x5 kernels, 'same' padding), without D's dropout, as in sparkgan."""
    sh, sw = h // 4, w // 4
    g = [nn.Linear(latent, sh * sw * 4 * bw, bias=False), nn.Unflatten(1, (4 * bw, sh, sw)),
         nn.BatchNorm2d(4 * bw), nn.LeakyReLU(0.2),
         nn.ConvTranspose2d(4 * bw, 2 * bw, 5, 1, 2, bias=False), nn.BatchNorm2d(2 * bw), nn.LeakyReLU(0.2),
         nn.ConvTranspose2d(2 * bw, bw, 5, 2, 2, output_padding=1, bias=False), nn.BatchNorm2d(bw), nn.LeakyReLU(0.2),
         nn.ConvTranspose2d(bw, c, 5, 2, 2, output_padding=1), nn.Tanh()]
    d = [nn.Conv2d(c, bw, 5, 2, 2), nn.LeakyReLU(0.2),
         nn.Conv2d(bw, 2 * bw, 5, 2, 2), nn.LeakyReLU(0.2),
         nn.Flatten(), nn.Linear(2 * bw * sh * sw, 1)]
    return nn.Sequential(*g), nn.Sequential(*d)


def forward_flops(net, x):
    """2 x multiply-adds of the dense and (transposed) convolution layers, as sparkgan's NetworkFlops counts."""
    macs = 0

    def hook(module, inputs, output):
        nonlocal macs
        if isinstance(module, nn.ConvTranspose2d):
            i = inputs[0]
            macs += i.shape[2] * i.shape[3] * module.in_channels * module.out_channels * module.kernel_size[0] * module.kernel_size[1]
        elif isinstance(module, nn.Conv2d):
            macs += output.shape[2] * output.shape[3] * module.in_channels * module.out_channels * module.kernel_size[0] * module.kernel_size[1]
        elif isinstance(module, nn.Linear):
            macs += module.in_features * module.out_features

    handles = [m.register_forward_hook(hook) for m in net.modules()]
    with torch.no_grad():
        out = net(x)
    for handle in handles:
        handle.remove()
    return 2 * macs, out


def gemm_gflops(n=1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    seconds = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(12):
        start = time.perf_counter()
        a @ b
        seconds.append(time.perf_counter() - start)
    busy = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    return 2 * n ** 3 / statistics.median(seconds) / 1e9, busy


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--arch", default="DCGAN", choices=["DCGAN", "DCGAN_K5"])
    p.add_argument("--shape", default="28x28x1")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--latent", type=int, default=100)
    p.add_argument("--base-width", type=int, default=64)
    a = p.parse_args()
    h, w, c = (int(v) for v in a.shape.split("x"))
    torch.manual_seed(42)
    g, d = (dcgan if a.arch == "DCGAN" else dcgan_k5)(h, w, c, a.latent, a.base_width)
    for m in list(g.modules()) + list(d.modules()):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    real = torch.tanh(torch.randn(a.batch, c, h, w))
    z = torch.randn(a.batch, a.latent)
    ones, zeros = torch.ones(a.batch, 1), torch.zeros(a.batch, 1)
    g_flops, fake = forward_flops(g, z)
    d_flops, _ = forward_flops(d, fake)
    step_gflop = (3 * g_flops + 9 * d_flops) * a.batch / 1e9

    def step():
        fake = g(z)
        opt_d.zero_grad(set_to_none=True)
        loss_d = bce(d(real), ones) + bce(d(fake.detach()), zeros)
        loss_d.backward()
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        loss_g = bce(d(fake), ones)
        loss_g.backward()
        opt_g.step()

    for t in (int(v) for v in a.threads.split(",")):
        torch.set_num_threads(t)
        gemm, gemm_busy = gemm_gflops()
        for _ in range(a.warmup):
            step()
        # peak RSS so far (ru_maxrss); sparkgan reports current RSS, which for a steady state is the same
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
        cpu0, wall0 = time.process_time(), time.perf_counter()
        seconds = []
        rss_midway = 0
        for i in range(a.steps):
            start = time.perf_counter()
            step()
            seconds.append(time.perf_counter() - start)
            if i == a.steps // 2:
                rss_midway = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
        busy = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
        median = statistics.median(seconds)
        print(json.dumps({
            "impl": "pytorch-" + torch.__version__, "arch": a.arch, "shape": a.shape, "batch": a.batch,
            "threads": t, "medianSeconds": median, "minSeconds": min(seconds), "maxSeconds": max(seconds),
            "imagesPerSecond": a.batch / median, "stepGflop": step_gflop, "gflops": step_gflop / median,
            "gemmGflops": gemm, "gemmBusyCores": gemm_busy, "busyCores": busy,
            "rssMbBefore": rss_before, "rssMbMidway": rss_midway, "rssMbAfter": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3}),
            flush=True)


if __name__ == "__main__":
    main()
