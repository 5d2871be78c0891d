#!/usr/bin/env python3
"""One picture of bicubic, SRResNet and SRGAN on the same held-out images (issue 20), from the comparison pictures
of two `upscale --evaluate` outputs of the same data (rows: low-res input, bicubic, the model, original; both show
the same images): rows low-res | bicubic | SRResNet | SRGAN | original, labelled, enlarged ZOOM times more.
    side_by_side.py SRRESNET.png SRGAN.png OUT.png [--zoom 2] [--columns 8]
"""
import argparse

from PIL import Image, ImageDraw

ROWS = 4  # in each comparison picture, one cell per image, 1-pixel lines around each cell


def cells(path, columns):
    picture = Image.open(path).convert("RGB")
    width, height = picture.size
    side = (height - 1) // ROWS - 1
    assert (width - 1) // (side + 1) >= columns and (width - 1) % (side + 1) == 0, (path, picture.size)
    return [[picture.crop((1 + c * (side + 1), 1 + r * (side + 1), 1 + c * (side + 1) + side, 1 + r * (side + 1) + side))
             for c in range(columns)] for r in range(ROWS)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("srresnet")
    parser.add_argument("srgan")
    parser.add_argument("out")
    parser.add_argument("--zoom", type=int, default=2)
    parser.add_argument("--columns", type=int, default=8)
    args = parser.parse_args()
    srresnet, srgan = cells(args.srresnet, args.columns), cells(args.srgan, args.columns)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(srresnet[3], srgan[3])), "the two show different images"
    rows = [("low-res input", srresnet[0]), ("bicubic", srresnet[1]), ("SRResNet", srresnet[2]),
            ("SRGAN", srgan[2]), ("original", srresnet[3])]
    side = srresnet[0][0].size[0] * args.zoom
    label, gap = 110, 2
    sheet = Image.new("RGB", (label + args.columns * (side + gap), len(rows) * (side + gap)), "white")
    draw = ImageDraw.Draw(sheet)
    for r, (name, images) in enumerate(rows):
        top = r * (side + gap)
        draw.text((6, top + side // 2 - 6), name, fill="black")
        for c, image in enumerate(images):
            sheet.paste(image.resize((side, side), Image.NEAREST), (label + c * (side + gap), top))
    sheet.save(args.out)


if __name__ == "__main__":
    main()
