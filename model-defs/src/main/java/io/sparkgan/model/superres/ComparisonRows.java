package io.sparkgan.model.superres;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The rows of a super-resolution comparison picture, one column per image: the low-resolution input enlarged by
 * repeating its pixels (what the upscaler was given), bicubic upscaling, the upscaler's output, the original.
 */
public final class ComparisonRows {

    /** Side, in pixels, that a picture's tiles are enlarged to at least (by repeating pixels) to be seen. */
    public static final int MIN_TILE = 96;

    private ComparisonRows() {}

    /** [4 n, C, H, W] from the originals [n, C, H, W], their low-resolution inputs and the upscaler's output. */
    public static INDArray of(INDArray lowRes, int scale, INDArray upscaled, INDArray originals) {
        INDArray pixelated = lowRes.repeat(2, scale).repeat(3, scale);
        return Nd4j.concat(0, pixelated, BicubicResize.upscale(lowRes, scale), upscaled, originals);
    }

    /** {@code images} enlarged by repeating pixels until their sides reach {@link #MIN_TILE}, for a picture. */
    public static INDArray enlarged(INDArray images) {
        long zoom = Math.max(1, (MIN_TILE + images.size(2) - 1) / images.size(2));
        return zoom == 1 ? images : images.repeat(2, zoom).repeat(3, zoom);
    }
}
