#!/usr/bin/env python3
"""The per-class AUROC table of the one-class protocol for docs/ANOMALY.md, from bench/results/anomaly: f-AnoGAN
(NAME-C-encoder.json of bench/anomaly/one_class.sh), the autoencoder baseline (AE_FILE) and the PCA baseline (PCA_FILE,
90% of the variance, and the best of its fixed component counts when it has them). Classes without an f-AnoGAN
result show "-"; means are over the classes each row has.

    /usr/bin/python3 bench/anomaly/table.py fashion fashion-autoencoder-baseline.jsonl fashion-pca-baseline.jsonl
"""
import json
import os
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "results", "anomaly")


def lines(name):
    with open(os.path.join(OUT, name)) as f:
        return [json.loads(line) for line in f if line.strip()]


def row(label, values):
    shown = ["%.2f" % (100 * v) if v is not None else "-" for v in values]
    present = [v for v in values if v is not None]
    mean = "%.2f" % (100 * sum(present) / len(present)) if present else "-"
    return "| %s | %s | %s (%d) |" % (label, " | ".join(shown), mean, len(present))


def main():
    name, ae_file, pca_file = sys.argv[1:4]
    gan = []
    for c in range(10):
        path = os.path.join(OUT, "%s-%d-encoder.json" % (name, c))
        gan.append(json.load(open(path))["auroc"] if os.path.exists(path) else None)
    ae = {r["digit"]: r["auroc"] for r in lines(ae_file)}
    pca = {r["digit"]: r for r in lines(pca_file)}
    print("| class | " + " | ".join(str(c) for c in range(10)) + " | mean (classes) |")
    print("|---" * 12 + "|")
    print(row("f-AnoGAN (encoder score), 60 + 60 kimg", gan))
    print(row("autoencoder, reconstruction error, 2 epochs", [ae.get(c) for c in range(10)]))
    print(row("PCA, 90% of the variance", [pca[c]["auroc"] if c in pca else None for c in range(10)]))
    fixed = sorted((k for k in pca[0] if k.startswith("components_")), key=lambda k: int(k[11:]))
    if fixed:
        best = [max(pca[c][k] for k in fixed) if c in pca else None for c in range(10)]
        print(row("PCA, best of %s components (chosen with the anomalies)" % ", ".join(k[11:] for k in fixed), best))
    better = [max(ae.get(c, 0), pca[c]["auroc"]) if c in pca else None for c in range(10)]
    print(row("better baseline (AE or PCA 90%)", better))
    print(row("f-AnoGAN minus the better baseline",
              [g - b if g is not None and b is not None else None for g, b in zip(gan, better)]))


if __name__ == "__main__":
    main()
