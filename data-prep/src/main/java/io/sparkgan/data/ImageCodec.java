package io.sparkgan.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/** PNG and JPEG (and whatever else javax.imageio reads) to {@link PixelImage}s, and their headers alone. */
final class ImageCodec {

    static {
        // Executors decode from memory; ImageIO's default disk cache would write a temp file per image.
        ImageIO.setUseCache(false);
    }

    /**
     * Default cap on the pixels of one decoded image (64 megapixels, about 8000 x 8000): a small file can claim a huge
     * size (a decompression bomb) and the decoder would allocate it. {@code prep --max-image-pixels} raises it.
     */
    static final long DEFAULT_MAX_PIXELS = 64_000_000L;

    private ImageCodec() {}

    /** What a header says: the size and whether the image is gray (1 channel) rather than colour (3). */
    record Header(int height, int width, boolean gray) {}

    /** True when the bytes start like a PNG or a JPEG file. */
    static boolean looksEncoded(byte[] bytes) {
        boolean png =
                bytes.length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
        boolean jpeg = bytes.length >= 3
                && (bytes[0] & 0xff) == 0xff
                && (bytes[1] & 0xff) == 0xd8
                && (bytes[2] & 0xff) == 0xff;
        return png || jpeg;
    }

    /** Reads only as far as the header; refuses an image over {@code maxPixels}. {@code what} names it in errors. */
    static Header readHeader(InputStream in, String what, long maxPixels) {
        return withReader(in, what, maxPixels, "read the image header of", reader -> {
            ImageTypeSpecifier type = reader.getRawImageType(0);
            if (type == null) {
                type = reader.getImageTypes(0).next();
            }
            requireRgbOrGray(type.getColorModel(), what);
            return new Header(reader.getHeight(0), reader.getWidth(0), isGray(type.getColorModel()));
        });
    }

    /**
     * Decodes a whole image, once its header has shown it within {@code maxPixels}; alpha is composited on black
     * (see {@link PixelImage#overBlack}).
     */
    static PixelImage decode(InputStream in, String what, long maxPixels) {
        BufferedImage image = withReader(in, what, maxPixels, "decode image", reader -> reader.read(0));
        requireRgbOrGray(image.getColorModel(), what);
        return toPixels(image);
    }

    /**
     * Refuses a CMYK image (a JPEG with four components, as Photoshop and Pillow write for print): javax.imageio
     * decodes it with a naive CMYK colour space that ignores the Adobe marker's inversion and the embedded ICC
     * profile, so its colours come out wrong (measured: channel means 176 against the source's 127), silently.
     * Decoding it faithfully needs a colour-managed decoder (TwelveMonkeys ImageIO); one conversion before prep is
     * simpler than an ImageIO plugin on every executor.
     */
    private static void requireRgbOrGray(ColorModel model, String what) {
        if (model.getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
            throw new DatasetException(
                    what + " is a CMYK JPEG, whose colours javax.imageio does not convert to RGB"
                            + " faithfully; convert it to RGB first (e.g. ImageMagick: magick IN.jpg -colorspace sRGB OUT.jpg)");
        }
    }

    private interface ReaderStep<T> {
        T apply(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(InputStream in, String what, long maxPixels, String action, ReaderStep<T> step) {
        try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
            if (readers == null || !readers.hasNext()) {
                throw new DatasetException(
                        what + " is not an image that javax.imageio can read (PNG or JPEG expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(stream, true, true);
                long pixels = (long) reader.getHeight(0) * reader.getWidth(0);
                if (pixels > maxPixels) {
                    throw new DatasetException(what + " claims " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels (width x height), more than --max-image-pixels " + maxPixels
                            + "; refused before decoding (raise --max-image-pixels if the image is genuine)");
                }
                return step.apply(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw e instanceof DatasetException d
                    ? d
                    : new DatasetException("cannot " + action + " " + what + ": " + e, e);
        }
    }

    static PixelImage toPixels(BufferedImage image) {
        ColorModel model = image.getColorModel();
        int height = image.getHeight();
        int width = image.getWidth();
        if (!(model instanceof IndexColorModel) && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // Raw samples: getRGB would gamma-convert Java's linear gray colour space.
            Raster raster = image.getRaster();
            int[] gray = raster.getSamples(0, 0, width, height, 0, (int[]) null);
            int[] alpha = model.hasAlpha() ? raster.getSamples(0, 0, width, height, 1, (int[]) null) : null;
            double grayMax = (1 << model.getComponentSize(0)) - 1;
            double alphaMax = model.hasAlpha() ? (1 << model.getComponentSize(1)) - 1 : 1;
            byte[] pixels = new byte[height * width];
            for (int i = 0; i < pixels.length; i++) {
                int value = (int) Math.round(gray[i] * 255 / grayMax);
                pixels[i] = alpha == null
                        ? (byte) value
                        : PixelImage.overBlack(value, (int) Math.round(alpha[i] * 255 / alphaMax));
            }
            return new PixelImage(height, width, 1, pixels);
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        boolean gray = isGray(model);
        int channels = gray ? 1 : 3;
        byte[] pixels = new byte[height * width * channels];
        for (int i = 0; i < argb.length; i++) {
            int alpha = argb[i] >>> 24;
            if (gray) {
                pixels[i] = PixelImage.overBlack(argb[i] & 0xff, alpha);
            } else {
                pixels[3 * i] = PixelImage.overBlack((argb[i] >> 16) & 0xff, alpha);
                pixels[3 * i + 1] = PixelImage.overBlack((argb[i] >> 8) & 0xff, alpha);
                pixels[3 * i + 2] = PixelImage.overBlack(argb[i] & 0xff, alpha);
            }
        }
        return new PixelImage(height, width, channels, pixels);
    }

    /** Gray colour space, or a palette whose entries are all gray. */
    private static boolean isGray(ColorModel model) {
        if (model instanceof IndexColorModel palette) {
            for (int i = 0; i < palette.getMapSize(); i++) {
                if (palette.getRed(i) != palette.getGreen(i) || palette.getGreen(i) != palette.getBlue(i)) {
                    return false;
                }
            }
            return true;
        }
        return model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }
}
