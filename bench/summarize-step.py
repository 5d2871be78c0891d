#!/usr/bin/env python3
"""Summarises bench/compare-step.sh results: per architecture and thread count, the median over repetitions of
each implementation's images/s and GFLOP/s, and the ratio sparkgan / PyTorch. Prints a Markdown table."""
import json
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    r = json.loads(line)
    impl = "sparkgan" if r["impl"] == "sparkgan" else "pytorch"
    runs[(r["arch"], r["shape"], r["threads"], impl)].append(r)

print("| network | threads | sparkgan images/s | PyTorch images/s | ratio | sparkgan GFLOP/s (% of sgemm) "
      "| PyTorch GFLOP/s (% of sgemm) | runs |")
print("|---|---|---|---|---|---|---|---|")
for arch, shape, threads in sorted({k[:3] for k in runs}):
    ours, theirs = runs[(arch, shape, threads, "sparkgan")], runs[(arch, shape, threads, "pytorch")]
    if not ours or not theirs:
        continue

    def med(rs, key):
        return statistics.median(r[key] for r in rs)

    def rate(rs):
        return "%.1f (%.0f%% of %.0f)" % (med(rs, "gflops"), 100 * med(rs, "gflops") / med(rs, "gemmGflops"),
                                          med(rs, "gemmGflops"))

    print("| %s %s | %d | %.1f | %.1f | %.2f | %s | %s | %d |" % (
        arch, shape, threads, med(ours, "imagesPerSecond"), med(theirs, "imagesPerSecond"),
        med(ours, "imagesPerSecond") / med(theirs, "imagesPerSecond"), rate(ours), rate(theirs),
        min(len(ours), len(theirs))))
