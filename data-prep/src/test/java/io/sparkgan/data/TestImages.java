package io.sparkgan.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Small images with known pixels, encoded as the tests' input files. */
final class TestImages {

    private TestImages() {}

    /** Gray with value 10 * x + y at (x, y). */
    static BufferedImage grayGradient(int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, 10 * x + y);
            }
        }
        return image;
    }

    /** One colour everywhere; ARGB images keep the alpha given. */
    static BufferedImage solid(int height, int width, int type, int argb) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, argb);
            }
        }
        return image;
    }

    /** A two-entry palette image: entry 1 (the given RGB) at (0, 0), entry 0 (black) elsewhere. */
    static BufferedImage palette(int height, int width, int red, int green, int blue) {
        IndexColorModel colours = new IndexColorModel(
                1, 2, new byte[] {0, (byte) red}, new byte[] {0, (byte) green}, new byte[] {0, (byte) blue});
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, colours);
        image.getRaster().setSample(0, 0, 0, 1);
        return image;
    }

    /** Writes the image in the format its name ends with (png or jpg). */
    static Path write(BufferedImage image, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString();
        if (!ImageIO.write(image, name.substring(name.lastIndexOf('.') + 1), file.toFile())) {
            throw new IOException("no ImageIO writer for " + file);
        }
        return file;
    }

    /**
     * A JPEG with four components holding the CMYK of one RGB colour (C = 255 - R, ..., K = 0), as javax.imageio
     * writes a 4-band raster; with {@code adobeTransform} >= 0 also the Adobe APP14 marker that Photoshop and
     * Pillow write (0: CMYK, 2: YCCK), which decoders read the components by.
     */
    static byte[] cmykJpeg(int height, int width, int red, int green, int blue, int adobeTransform) throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {255 - red, 255 - green, 255 - blue, 0});
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        byte[] jpeg = out.toByteArray();
        if (adobeTransform < 0) {
            return jpeg;
        }
        // APP14 "Adobe": version 100, flags 0 and 0, the colour transform; right after SOI
        byte[] adobe = {
            (byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) adobeTransform
        };
        ByteArrayOutputStream marked = new ByteArrayOutputStream();
        marked.write(jpeg, 0, 2);
        marked.write(adobe);
        marked.write(jpeg, 2, jpeg.length - 2);
        return marked.toByteArray();
    }

    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** The unsigned bytes of one pixel of a dataset image. */
    static int[] pixel(byte[] pixels, ImageShape shape, int y, int x) {
        int[] values = new int[shape.channels()];
        for (int c = 0; c < values.length; c++) {
            values[c] = pixels[(y * shape.width() + x) * shape.channels() + c] & 0xff;
        }
        return values;
    }
}
