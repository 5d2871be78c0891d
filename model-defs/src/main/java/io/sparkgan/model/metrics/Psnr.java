package io.sparkgan.model.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Peak signal-to-noise ratio of each image against its reference, in dB: 10 log10(1 / MSE) on the luma in [0, 1]
 * with the borders shaved ({@link LumaImages}). Identical images give +infinity.
 */
public final class Psnr {

    private Psnr() {}

    /** Per image of the batches {@code images} and {@code references} ([b, C, H, W] in [-1, 1]). */
    public static double[] perImage(INDArray images, INDArray references, int shave) {
        double[][][] a = LumaImages.of(images, shave);
        double[][][] b = LumaImages.of(references, shave);
        double[] psnr = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double sum = 0;
            int n = 0;
            for (int y = 0; y < a[i].length; y++) {
                for (int x = 0; x < a[i][y].length; x++) {
                    double d = a[i][y][x] - b[i][y][x];
                    sum += d * d;
                    n++;
                }
            }
            psnr[i] = 10 * Math.log10(n / sum);
        }
        return psnr;
    }
}
