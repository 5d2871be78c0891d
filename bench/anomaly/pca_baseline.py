#!/usr/bin/env python3
"""The PCA baseline of the one-class MNIST protocol (issue 19): for each digit d, PCA on the pixels of the MNIST
training images of d (the components that explain 90% of their variance, chosen on those images alone), then
every MNIST test image scored by its squared reconstruction error; anomalous = every digit but d. Prints a JSON
line per digit and the mean AUROC, and writes them to bench/results/anomaly/pca-baseline.jsonl.

    /usr/bin/python3 bench/anomaly/pca_baseline.py [--variance 0.9]
    /usr/bin/python3 bench/anomaly/pca_baseline.py --idx-dir DIR --output fashion-pca-baseline.jsonl   (another
        dataset in MNIST's IDX files, e.g. Fashion-MNIST from Debian's dataset-fashion-mnist: /usr/share/datasets/fashion-mnist)

--components 8,16,32,64 also scores with those fixed numbers of components ("components_K" in each line): choosing
among them by AUROC looks at the anomalies, so it is an optimistic baseline, reported beside the 90% rule.
"""
import argparse
import gzip
import json
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def read(idx_dir, split):
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(idx_dir, prefix + "-images-idx3-ubyte.gz"), "rb") as f:
        data = f.read()
    images = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(-1, 784).astype(np.float64) / 255.0
    with gzip.open(os.path.join(idx_dir, prefix + "-labels-idx1-ubyte.gz"), "rb") as f:
        labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8)
    return images, labels


def auroc(scores, anomalous):
    """Probability that an anomaly scores above a normal image, ties counting half (Mann-Whitney)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    positives = anomalous.sum()
    negatives = len(scores) - positives
    return (ranks[anomalous].sum() - positives * (positives + 1) / 2.0) / (positives * negatives)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--variance", type=float, default=0.9)
    parser.add_argument("--idx-dir", default=os.path.join(ROOT, "data", "mnist"))
    parser.add_argument("--output", default="pca-baseline.jsonl")
    parser.add_argument("--components", default="", help="also these fixed numbers of components, e.g. 8,16,32,64")
    args = parser.parse_args()
    fixed = [int(k) for k in args.components.split(",") if k]
    train, train_labels = read(args.idx_dir, "train")
    test, test_labels = read(args.idx_dir, "test")
    out = os.path.join(ROOT, "bench", "results", "anomaly")
    os.makedirs(out, exist_ok=True)
    results = []
    for digit in range(10):
        normal = train[train_labels == digit]
        mean = normal.mean(axis=0)
        _, singular, vt = np.linalg.svd(normal - mean, full_matrices=False)
        explained = np.cumsum(singular ** 2) / np.sum(singular ** 2)
        k = int(np.searchsorted(explained, args.variance) + 1)
        centred = test - mean

        def score(components):
            basis = vt[:components]
            error = ((centred - centred @ basis.T @ basis) ** 2).sum(axis=1)
            return auroc(error, test_labels != digit)

        result = {"digit": digit, "components": k, "auroc": score(k)}
        for components in fixed:
            result["components_%d" % components] = score(components)
        print(json.dumps(result))
        results.append(result)
    print("mean AUROC %.4f" % np.mean([r["auroc"] for r in results]))
    for components in fixed:
        print("mean AUROC with %d components %.4f" % (components, np.mean([r["components_%d" % components] for r in results])))
    with open(os.path.join(out, args.output), "w") as f:
        for r in results:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
