package io.sparkgan.model.sampling;

import io.sparkgan.model.ImageTensors;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Lays out a batch of generated images [n, C, H, W] in [-1, 1] as one PNG grid, row by row, 1 px gaps. */
public final class SampleGrid {

    private SampleGrid() {}

    public static byte[] png(INDArray images, int columns) {
        int n = (int) images.size(0);
        int channels = (int) images.size(1);
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        byte[][] pixels = ImageTensors.toPixels(images);
        int rows = (n + columns - 1) / columns;
        BufferedImage grid = new BufferedImage(columns * (w + 1) + 1, rows * (h + 1) + 1, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < n; i++) {
            draw(grid, 1 + (i % columns) * (w + 1), 1 + (i / columns) * (h + 1), pixels[i], h, w, channels);
        }
        return encode(grid);
    }

    /** One image of interleaved 8-bit pixels (HWC, as datasets store them) as a PNG of its own size. */
    public static byte[] png(byte[] pixels, int height, int width, int channels) {
        // written to the raster: setRGB on a gray image would pass the values through a colour conversion
        BufferedImage image = new BufferedImage(
                width, height, channels == 3 ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        int[] pixel = new int[channels];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    pixel[c] = pixels[(y * width + x) * channels + c] & 0xFF;
                }
                image.getRaster().setPixel(x, y, pixel);
            }
        }
        return encode(image);
    }

    private static void draw(BufferedImage target, int x0, int y0, byte[] pixels, int h, int w, int channels) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (y * w + x) * channels;
                int r = pixels[p] & 0xFF;
                int g = channels == 3 ? pixels[p + 1] & 0xFF : r;
                int b = channels == 3 ? pixels[p + 2] & 0xFF : r;
                target.setRGB(x0 + x, y0 + y, (r << 16) | (g << 8) | b);
            }
        }
    }

    /** An image as PNG bytes. */
    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
