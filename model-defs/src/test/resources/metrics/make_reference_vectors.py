#!/usr/bin/env python3
"""Reference values for sparkgan's metric tests, from an independent implementation: scipy's general matrix square
root (scipy.linalg.sqrtm, a Schur method) and the FID formula of pytorch-fid; numpy for KID's unbiased MMD^2.

Regenerate with Debian's python3-scipy:  python3 make_reference_vectors.py > reference-vectors.json
"""
import json

import numpy as np
from scipy import linalg

rng = np.random.default_rng(20261129)


def features(n, d, shift, scale):
    mixing = rng.normal(size=(d, d)) * scale / np.sqrt(d)
    return rng.normal(size=(n, d)) @ mixing + shift


def fid(a, b):
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = covmean.real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def mmd2_unbiased(a, b):
    d = a.shape[1]
    kxx = (a @ a.T / d + 1) ** 3
    kyy = (b @ b.T / d + 1) ** 3
    kxy = (a @ b.T / d + 1) ** 3
    m, n = len(a), len(b)
    return float((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                 - 2 * kxy.mean())


cases = []
for name, n, d, shift, scale in [("close", 150, 6, 0.1, 1.0), ("apart", 120, 10, 1.5, 2.0),
                                 ("wide", 160, 16, 0.0, 3.0)]:
    a = features(n, d, 0.0, 1.0)
    b = features(n + 17, d, shift, scale)
    spd = np.cov(a, rowvar=False)
    cases.append({
        "name": name,
        "a": a.tolist(),
        "b": b.tolist(),
        "fid": fid(a, b),
        "kidFullSet": mmd2_unbiased(a, b),
        "covarianceA": spd.tolist(),
        "sqrtCovarianceA": linalg.sqrtm(spd).real.tolist(),
    })
print(json.dumps({"generator": "scipy " + __import__("scipy").__version__ + ", numpy " + np.__version__,
                  "cases": cases}))
