package io.sparkgan.data;

import java.io.Serializable;

/**
 * Decoded 8-bit pixels in the dataset layout: row-major, channels interleaved (HWC), gray or R,G,B.
 * Every source turns its records into these, and {@link #conformTo} brings them to the dataset's shape.
 */
public record PixelImage(int height, int width, int channels, byte[] pixels) implements Serializable {

    public PixelImage {
        if (pixels.length != height * width * channels) {
            throw new IllegalArgumentException(
                    pixels.length + " bytes do not hold a " + height + "x" + width + "x" + channels + " image");
        }
    }

    public ImageShape shape() {
        return new ImageShape(height, width, channels);
    }

    /** Resized (see {@link Resampler}) and converted to the target's channel count, as needed. */
    public PixelImage conformTo(ImageShape target) {
        // Drop to gray before resizing and expand to RGB after it: resizing then touches the fewest bytes.
        PixelImage image = target.channels() < channels ? withChannels(target.channels()) : this;
        if (image.height != target.height() || image.width != target.width()) {
            image = Resampler.resize(image, target.height(), target.width());
        }
        return image.channels == target.channels() ? image : image.withChannels(target.channels());
    }

    /** Gray to RGB repeats the value; RGB to gray is ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B. */
    public PixelImage withChannels(int target) {
        if (target == channels) {
            return this;
        }
        int count = height * width;
        byte[] out = new byte[count * target];
        if (channels == 1 && target == 3) {
            for (int i = 0; i < count; i++) {
                out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = pixels[i];
            }
        } else if (channels == 3 && target == 1) {
            for (int i = 0; i < count; i++) {
                double luma = 0.299 * (pixels[3 * i] & 0xff)
                        + 0.587 * (pixels[3 * i + 1] & 0xff)
                        + 0.114 * (pixels[3 * i + 2] & 0xff);
                out[i] = (byte) Math.round(luma);
            }
        } else {
            throw new IllegalArgumentException("cannot convert " + channels + " channels to " + target);
        }
        return new PixelImage(height, width, target, out);
    }

    /**
     * Pixels in OpenCV order, as Spark's image data source stores them: 1 channel gray, 3 channels B,G,R,
     * 4 channels B,G,R,A. Alpha is composited on black like every other source does.
     */
    public static PixelImage fromBgr(int height, int width, int channels, byte[] data) {
        if (channels == 1) {
            return new PixelImage(height, width, 1, data);
        }
        if (channels != 3 && channels != 4) {
            throw new IllegalArgumentException("OpenCV-ordered pixels have 1, 3 or 4 channels, not " + channels);
        }
        int count = height * width;
        if (data.length != count * channels) {
            throw new IllegalArgumentException(
                    data.length + " bytes do not hold a " + height + "x" + width + "x" + channels + " image");
        }
        byte[] rgb = new byte[count * 3];
        for (int i = 0; i < count; i++) {
            int at = i * channels;
            int alpha = channels == 4 ? data[at + 3] & 0xff : 255;
            rgb[3 * i] = overBlack(data[at + 2] & 0xff, alpha);
            rgb[3 * i + 1] = overBlack(data[at + 1] & 0xff, alpha);
            rgb[3 * i + 2] = overBlack(data[at] & 0xff, alpha);
        }
        return new PixelImage(height, width, 3, rgb);
    }

    /**
     * A colour value with the given opacity drawn over black. Datasets have no alpha channel; compositing on
     * black (rather than dropping alpha) keeps the hidden colour of fully transparent pixels out of the data.
     */
    static byte overBlack(int value, int alpha) {
        return (byte) Math.round(value * alpha / 255.0);
    }
}
