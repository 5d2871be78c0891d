#!/usr/bin/env python3
"""Issue 32's step-parity check, PyTorch half: the same default DCGAN step as sparkgan's GanStep, on the same
initial weights, real batches and noise, compared parameter by parameter.

Run from the repository root (the first command writes what this script reads; see GanStepParityDump's comment):

    mvn -B -o -q -pl model-defs test -Dtest=GanStepParityDump -Dparity.out=/tmp/parity \
        && /usr/bin/python3 bench/parity/torch_parity.py /tmp/parity/float

Add -Dparity.dtypes=FLOAT,DOUBLE to the first and run this on /tmp/parity/double too for a float64 comparison
(rounding noise ~1e-16 instead of ~1e-7, so any algorithmic difference stands out). --dl4j-eps gives PyTorch's Adam
DL4J's epsilon placement (epsilon added to sqrt(v) before the bias correction, i.e. PyTorch's eps = 1e-8 /
sqrt(1 - 0.999^t) at step t), the one known difference in the update rule.

It builds G and D with bench/torch_gan_step.py's dcgan() (the networks bench/quality/torch_dcgan.py trains), loads
DL4J's initial parameters into them, checks the forward passes before training (G(z) and D(x), in inference and in
training mode), then runs torch_dcgan.py's step (D on the real batch and on fake.detach(), one Adam step; G through
the updated D on the same fake batch, one Adam step) and reports per step both sides' losses and, after the steps
that sparkgan saved (1, 2, 5, 20), the relative difference of every parameter and of every parameter's change
since step 0. After step 1 it also compares Adam's first and second moments, which are 0.5 g and 0.001 g^2 there:
the gradients themselves. Batch-norm running statistics (which no training step reads: both sides train in
training mode) are compared twice: with PyTorch's, and with PyTorch's batch statistics put through DL4J's update rule
(Dl4jRunningStatistics), which shows that the only differences there are that rule.

Parameter mapping (DL4J name: PyTorch module, transform):
  G 0_W [100, 6272] (dense, nIn x nOut) -> g[0].weight, transposed
  G 1_* (BN 128), 4_* (BN 64)           -> g[2], g[5]: gamma -> weight, beta -> bias, mean -> running_mean,
                                           log10stdev -> running_var = (10^log10stdev)^2
  G 3_W [128, 64, 4, 4], 6_W [64, 1, 4, 4] (deconvolution, [nIn, nOut, kH, kW]) -> g[4].weight, g[7].weight as is
                                           (ConvTranspose2d's weight is [in, out, kH, kW]; no flip, as the forward
                                           check shows); 6_b -> g[7].bias
  D 0_W [64, 1, 4, 4], 0_b, 2_W [128, 64, 4, 4] (convolution, [out, in, kH, kW]) -> d[0], d[2] as is
  D 3_* (BN 128) -> d[3]; 5_W [6272, 1] -> d[6].weight transposed; 5_b -> d[6].bias
  G's dense output to [128, 7, 7]: DL4J's FeedForwardToCnnPreProcessor and nn.Unflatten both read it in C order.

Relative differences: max|a - b| / max|b| over one tensor (a sparkgan, b PyTorch). "update" is the same for the
change since step 0 (a - a0 against b - b0), which is what one step of Adam (about lr = 2e-4 per element) moves and
the sharper measure: the parameters themselves differ from their start by only ~1% after a step.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
from torch.nn import functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_gan_step import dcgan  # noqa: E402  (the networks of bench/quality/torch_dcgan.py)

# DL4J layer index -> PyTorch module index, for G and D
G_LAYERS = {0: 0, 1: 2, 3: 4, 4: 5, 6: 7}
D_LAYERS = {0: 0, 2: 2, 3: 3, 5: 6}
BN_NAMES = {"gamma": "weight", "beta": "bias", "mean": "running_mean", "log10stdev": "running_var"}
TRAINABLE = ("W", "b", "gamma", "beta")


def load(folder, name):
    return np.load(os.path.join(folder, name + ".npy"))


def to_torch(layer_name, value, module):
    """DL4J's value of one parameter as the PyTorch tensor it maps to (and that tensor's attribute name)."""
    kind = layer_name.split("_", 1)[1]
    if kind in BN_NAMES:
        if kind == "log10stdev":
            value = (10.0 ** value.astype(np.float64)) ** 2
        return BN_NAMES[kind], value.reshape(-1)
    if kind == "W":
        if isinstance(module, torch.nn.Linear):
            return "weight", value.T
        return "weight", value  # conv [out, in, kH, kW]; deconv [in, out, kH, kW], both as PyTorch stores them
    return "bias", value.reshape(-1)


def mapping(manifest):
    """(net, DL4J name, module index) for every parameter, in DL4J's layer order."""
    out = []
    for net, layers in (("g", G_LAYERS), ("d", D_LAYERS)):
        for p in manifest[net]:
            out.append((net, p["name"], layers[int(p["name"].split("_")[0])]))
    return out


def set_params(nets, params, folder, prefix=""):
    for net, name, index in params:
        module = nets[net][index]
        attr, value = to_torch(name, load(folder, f"{prefix}{net}_{name}"), module)
        target = getattr(module, attr)
        assert tuple(target.shape) == value.shape, (net, name, target.shape, value.shape)
        with torch.no_grad():
            target.copy_(torch.from_numpy(np.ascontiguousarray(value)).to(target.dtype))


def torch_value(nets, net, name, index):
    module = nets[net][index]
    attr, _ = to_torch(name, np.zeros(1), module)
    return getattr(module, attr).detach().double().numpy().copy()


def rel(a, b, percentile=None):
    """max|a - b| / max|b| (or that percentile of |a - b| over max|b|)."""
    diff = np.abs(a - b)
    diff = diff.max() if percentile is None else np.percentile(diff, percentile)
    scale = np.abs(b).max()
    return float(diff / scale) if scale > 0 else float(diff)


class Dl4jRunningStatistics:
    """DL4J's batch-norm running statistics, from the batch statistics PyTorch's layers see (forward hooks).

    PyTorch: every training-mode forward moves them (momentum 0.1, unbiased batch variance): D's three passes per
    step (real, fake, G's pass through the updated D). DL4J (decay 0.9, biased batch variance): G's once per step; D's
    real and fake passes each compute a step from the same old value, in log10(std), and the two are added (D's
    gradient view sums both passes before the update; a NoOp updater applies it); G's pass through D never moves them.
    """

    def __init__(self, modules):
        self.calls = {name: [] for name in modules}
        self.state = {name: [module.running_mean.double().numpy().copy(), module.running_var.double().numpy().copy()]
                      for name, module in modules.items()}
        self.active = False
        for name, module in modules.items():
            module.register_forward_hook(self.hook(name))

    def hook(self, name):
        def record(module, inputs, output):
            if self.active and module.training:
                x = inputs[0].detach().double()
                self.calls[name].append((x.mean((0, 2, 3)).numpy(), x.var((0, 2, 3), unbiased=False).numpy()))
        return record

    def step(self):
        for name, calls in self.calls.items():
            mean, var = self.state[name]
            if name.startswith("g"):
                (m, v), = calls
                self.state[name] = [0.9 * mean + 0.1 * m, 0.9 * var + 0.1 * v]
            else:
                (mr, vr), (mf, vf), _ = calls
                log_std = 0.5 * np.log10(var)
                real, fake = (0.5 * np.log10(0.9 * var + 0.1 * v) for v in (vr, vf))
                self.state[name] = [mean + 0.1 * (mr - mean) + 0.1 * (mf - mean),
                                    (10.0 ** (real + fake - log_std)) ** 2]
            calls.clear()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="what GanStepParityDump wrote for one data type, e.g. /tmp/parity/float")
    parser.add_argument("--dl4j-eps", action="store_true", help="PyTorch's Adam with DL4J's epsilon placement")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    folder = args.folder
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    dtype = torch.float64 if manifest["dtype"] == "DOUBLE" else torch.float32
    torch.set_default_dtype(dtype)
    g, d = dcgan(28, 28, 1, manifest["latent"], 64)
    nets = {"g": g, "d": d}
    params = mapping(manifest)
    set_params(nets, params, os.path.join(folder, "step0"))
    real = torch.from_numpy(load(folder, "real"))
    noise = torch.from_numpy(load(folder, "noise"))
    java_losses = load(folder, "losses")
    steps = manifest["steps"]
    results = {"folder": folder, "dtype": manifest["dtype"], "dl4jEps": args.dl4j_eps, "forward": {}, "steps": [],
               "params": {}, "adamStep1": {}}

    # forward passes before training: a wrong layout (transpose, flip, reshape order) shows here
    forward = os.path.join(folder, "forward")
    with torch.no_grad():
        for mode, training in (("eval", False), ("train", True)):
            g.train(training)
            d.train(training)
            results["forward"][f"G(z) {mode}"] = rel(g(noise[0]).double().numpy(), load(forward, f"g_{mode}"))
            results["forward"][f"D(x) {mode}"] = rel(d(real[0]).double().numpy(), load(forward, f"d_{mode}"))
    g.train(True)
    d.train(True)
    # the training-mode forwards moved PyTorch's running statistics: back to DL4J's initial values
    set_params(nets, params, os.path.join(folder, "step0"))

    running = Dl4jRunningStatistics({f"{net} {layer}": nets[net][index]
                                     for net, layers in (("g", G_LAYERS), ("d", D_LAYERS))
                                     for layer, index in layers.items()
                                     if isinstance(nets[net][index], torch.nn.BatchNorm2d)})
    running.active = True
    start = {(net, name): torch_value(nets, net, name, index) for net, name, index in params}
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999), eps=1e-8)
    batch = real.shape[1]
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    for t in range(1, steps + 1):
        if args.dl4j_eps:
            for group in opt_g.param_groups + opt_d.param_groups:
                group["eps"] = 1e-8 / math.sqrt(1 - 0.999 ** t)
        x, z = real[t - 1], noise[t - 1]
        # bench/quality/torch_dcgan.py's step
        fake = g(z)
        on_real = d(x)
        on_fake = d(fake.detach())
        d_loss = F.binary_cross_entropy_with_logits(on_real, ones) + F.binary_cross_entropy_with_logits(on_fake, zeros)
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        g_loss = F.binary_cross_entropy_with_logits(d(fake), ones)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        running.step()
        jd, jg, jr, jf = java_losses[t - 1]
        results["steps"].append({
            "step": t, "dLossSparkgan": jd, "dLossTorch": d_loss.item(),
            "gLossSparkgan": jg, "gLossTorch": g_loss.item(),
            "dRealSparkgan": jr, "dRealTorch": torch.sigmoid(on_real).mean().item(),
            "dFakeSparkgan": jf, "dFakeTorch": torch.sigmoid(on_fake).mean().item()})
        if os.path.isdir(os.path.join(folder, f"step{t}")):
            saved = os.path.join(folder, f"step{t}")
            per = {}
            for net, name, index in params:
                a = load(saved, f"{net}_{name}").astype(np.float64)
                _, a = to_torch(name, a, nets[net][index])
                b = torch_value(nets, net, name, index)
                a0 = start[(net, name)]
                per[f"{net} {name}"] = {"param": rel(a, b), "update": rel(a - a0, b - a0),
                                        "update99": rel(a - a0, b - a0, 99)}
                kind = name.split("_", 1)[1]
                if kind in ("mean", "log10stdev"):
                    model = running.state[f"{net} {name.split('_')[0]}"][0 if kind == "mean" else 1]
                    per[f"{net} {name}"]["dl4jRule"] = rel(a, model)
            results["params"][t] = per
            if t == 1:
                for net, opt, layers in (("g", opt_g, G_LAYERS), ("d", opt_d, D_LAYERS)):
                    for pnet, name, index in params:
                        if pnet != net or name.split("_", 1)[1] not in TRAINABLE:
                            continue
                        module = nets[net][index]
                        attr, _ = to_torch(name, np.zeros(1), module)
                        state = opt.state[getattr(module, attr)]
                        for moment, key in (("m", "exp_avg"), ("v", "exp_avg_sq")):
                            _, a = to_torch(name, load(saved, f"{net}_{moment}_{name}").astype(np.float64), module)
                            results["adamStep1"][f"{net} {name} {moment}"] = rel(a, state[key].double().numpy())
    report(results)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


def report(r):
    print(f"# {r['folder']} ({r['dtype']}{', PyTorch Adam with DL4J epsilon' if r['dl4jEps'] else ''})")
    print("\nforward before training, max|sparkgan - torch| / max|torch|:")
    for k, v in r["forward"].items():
        print(f"  {k}: {v:.2e}")
    print("\n| step | D loss sparkgan | D loss torch | rel | G loss sparkgan | G loss torch | rel |")
    print("|---|---|---|---|---|---|---|")
    for s in r["steps"]:
        print(f"| {s['step']} | {s['dLossSparkgan']:.6f} | {s['dLossTorch']:.6f} | "
              f"{abs(s['dLossSparkgan'] - s['dLossTorch']) / abs(s['dLossTorch']):.1e} | {s['gLossSparkgan']:.6f} | "
              f"{s['gLossTorch']:.6f} | {abs(s['gLossSparkgan'] - s['gLossTorch']) / abs(s['gLossTorch']):.1e} |")
    if r["adamStep1"]:
        print("\nAdam moments after step 1 (m = 0.5 g, v = 0.001 g^2: the gradients), relative difference:")
        for k, v in r["adamStep1"].items():
            print(f"  {k}: {v:.2e}")
    print("\nrelative difference after step t, per network, max over its tensors: trainable parameters (W, b, gamma,"
          " beta); their change since step 0 (max, and 99th percentile of the elements); batch-norm running"
          " statistics against PyTorch's, and against PyTorch's batch statistics put through DL4J's update rule")
    print("| step | G params | G update | G update p99 | D params | D update | D update p99 | G running | G running,"
          " DL4J rule | D running | D running, DL4J rule |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for t, per in r["params"].items():
        def worst(net, trainable, key):
            return max(v[key] for k, v in per.items()
                       if k.startswith(net + " ") and (k.split("_", 1)[1] in TRAINABLE) == trainable)
        print(f"| {t} | {worst('g', True, 'param'):.1e} | {worst('g', True, 'update'):.1e} | "
              f"{worst('g', True, 'update99'):.1e} | {worst('d', True, 'param'):.1e} | "
              f"{worst('d', True, 'update'):.1e} | {worst('d', True, 'update99'):.1e} | "
              f"{worst('g', False, 'param'):.1e} | {worst('g', False, 'dl4jRule'):.1e} | "
              f"{worst('d', False, 'param'):.1e} | {worst('d', False, 'dl4jRule'):.1e} |")
    print("\nper tensor (params / update / update p99):")
    for t, per in r["params"].items():
        print(f"  step {t}: " + ", ".join(f"{k} {v['param']:.1e}/{v['update']:.1e}/{v['update99']:.1e}"
                                          for k, v in per.items()))


if __name__ == "__main__":
    main()
