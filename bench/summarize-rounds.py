#!/usr/bin/env python3
"""Throughput and round overhead from train.jsonl files, skipping the first 2 rounds (JIT and cache warm-up).
images/s = sum(images) / sum(round seconds); outside the GAN steps = 1 - sum(slowest worker's step seconds) /
sum(round seconds); state = the mean of stateSeconds, the longest any worker took to load and capture the GAN state
(blank for runs made before it was recorded). Prints a Markdown table, one row per run directory."""
import json
import sys
from pathlib import Path

def name(path):
    """The run directory's name for metrics/train.jsonl, else the file's own name."""
    return path.parent.parent.name if path.name == "train.jsonl" else path.stem


print("| run | rounds | images/s | s/round | outside the GAN steps | fixed s/round | of which state s/round |")
print("|---|---|---|---|---|---|---|")
for path in sys.argv[1:]:
    lines = [json.loads(l) for l in open(path)][2:]
    if not lines:
        continue
    seconds = sum(l["seconds"] for l in lines)
    steps = sum(l["stepSeconds"] for l in lines)
    images = sum(l["imagesPerSecond"] * l["seconds"] for l in lines)
    state = "%.3f" % (sum(l["stateSeconds"] for l in lines) / len(lines)) if "stateSeconds" in lines[0] else ""
    print("| %s | %d | %.0f | %.2f | %.1f%% | %.2f | %s |" % (
        name(Path(path)), len(lines), images / seconds, seconds / len(lines),
        100 * (1 - steps / seconds), (seconds - steps) / len(lines), state))
