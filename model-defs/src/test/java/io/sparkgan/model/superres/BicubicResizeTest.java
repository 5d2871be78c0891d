package io.sparkgan.model.superres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class BicubicResizeTest {

    /** A 1 x 1 x h x w image of a x + b y + c (pixel coordinates), small enough to stay in [-1, 1]. */
    private static INDArray ramp(int h, int w, double a, double b, double c) {
        INDArray image = Nd4j.create(DataType.DOUBLE, 1, 1, h, w);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.putScalar(new long[] {0, 0, y, x}, a * x + b * y + c);
            }
        }
        return image;
    }

    /** Antialiasing: a checkerboard finer than the new pixels averages out; sampling it would keep +-1. */
    @Test
    void downscalingAveragesAwayDetailFinerThanTheNewPixels() {
        INDArray board = Nd4j.create(DataType.DOUBLE, 1, 1, 16, 16);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                board.putScalar(new long[] {0, 0, y, x}, (x + y) % 2 == 0 ? 1 : -1);
            }
        }
        INDArray small = BicubicResize.downscale(board, 2);
        assertArrayEquals(new long[] {1, 1, 8, 8}, small.shape());
        // away from the borders, where the repeated edge pixels break the pattern
        INDArray interior = small.get(
                NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(2, 6), NDArrayIndex.interval(2, 6));
        assertEquals(0, interior.amaxNumber().doubleValue(), 1e-6);
    }

    /** Cubic convolution reproduces linear functions: away from the borders both directions give the ramp back. */
    @Test
    void rampsAreReproducedAtThePixelCentres() {
        for (int factor : new int[] {2, 4}) {
            INDArray large = ramp(32, 24, 0.02, -0.03, 0.1);
            INDArray small = BicubicResize.downscale(large, factor);
            // output pixel i sits at input coordinate (i + 0.5) factor - 0.5
            for (int y = 3; y < 32 / factor - 3; y++) {
                for (int x = 3; x < 24 / factor - 3; x++) {
                    double cx = (x + 0.5) * factor - 0.5;
                    double cy = (y + 0.5) * factor - 0.5;
                    assertEquals(0.02 * cx - 0.03 * cy + 0.1, small.getDouble(0, 0, y, x), 1e-9);
                }
            }
            INDArray base = ramp(8, 6, 0.05, 0.04, -0.3);
            INDArray up = BicubicResize.upscale(base, factor);
            assertArrayEquals(new long[] {1, 1, 8L * factor, 6L * factor}, up.shape());
            for (int y = 2 * factor; y < 6 * factor; y++) {
                for (int x = 2 * factor; x < 4 * factor; x++) {
                    double cx = (x + 0.5) / factor - 0.5;
                    double cy = (y + 0.5) / factor - 0.5;
                    assertEquals(0.05 * cx + 0.04 * cy - 0.3, up.getDouble(0, 0, y, x), 1e-9);
                }
            }
        }
    }

    @Test
    void constantsStayConstantUpToTheBordersAndOvershootIsClipped() {
        INDArray flat = Nd4j.valueArrayOf(new long[] {2, 3, 8, 8}, 0.25, DataType.FLOAT);
        assertEquals(0, BicubicResize.downscale(flat, 4).sub(0.25).amaxNumber().doubleValue(), 1e-6);
        assertEquals(0, BicubicResize.upscale(flat, 2).sub(0.25).amaxNumber().doubleValue(), 1e-6);
        // a sharp edge from -1 to 1 rings past both values; the result stays in the image range
        INDArray edge = Nd4j.valueArrayOf(new long[] {1, 1, 4, 8}, -1.0, DataType.FLOAT);
        edge.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(4, 8))
                .assign(1);
        assertEquals(1, BicubicResize.upscale(edge, 4).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void indivisibleSidesAreRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BicubicResize.downscale(Nd4j.zeros(DataType.FLOAT, 1, 1, 10, 12), 4));
        assertEquals("cannot downscale 10x12 images by 4: the sides must be divisible by it", e.getMessage());
    }
}
