"""Peak RSS per phase from peak_rss.sh's timestamped log and RSS samples: python3 phases.py NAME.log NAME.rss"""
import sys

# the line that starts each phase (the last one seen before a sample names its phase)
MARKERS = [
    ("preparing the MNIST", "prep"),
    ("training the evaluator", "evaluator training"),
    ("training the DCGAN", "GAN training"),
    ("training on ", "GAN training"),
    ("computing the real reference", "real reference"),
    ("rounds 1 to", "GAN training"),
    ("evaluating step", "evaluation"),
    ("evaluation of step", "GAN training"),
    ("generating ", "generation"),
]

events = []
for line in open(sys.argv[1], errors="replace"):
    stamp, _, text = line.partition(" ")
    for marker, phase in MARKERS:
        if marker in text:
            events.append((float(stamp), phase))
            break
peaks, order = {}, []
samples = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
for t, rss in samples:
    phase = "start"
    for stamp, p in events:
        if stamp <= t:
            phase = p
    if phase not in peaks:
        order.append(phase)
    peaks[phase] = max(peaks.get(phase, 0), rss)
for phase in order:
    print(f"{phase:20s} peak RSS {peaks[phase] / 1024 / 1024:.2f} GiB")
print(f"{'whole run':20s} peak RSS {max(r for _, r in samples) / 1024 / 1024:.2f} GiB" if samples else "no samples")
