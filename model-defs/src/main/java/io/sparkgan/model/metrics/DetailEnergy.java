package io.sparkgan.model.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fine detail of each image: the mean squared difference between horizontally and vertically adjacent pixels
 * of its luma in [0, 1], borders shaved ({@link LumaImages}). Blur lowers it and noise or ringing raise it, so an
 * upscaler's detail over the original's says whether it restored the original's fine detail (1), lost some (below
 * 1, as bicubic upscaling does) or added more than there was (above 1). PSNR and SSIM cannot say which: both favour
 * the blurred mean of the plausible images.
 */
public final class DetailEnergy {

    private DetailEnergy() {}

    /** Per image of the batch {@code images} ([b, C, H, W] in [-1, 1]). */
    public static double[] perImage(INDArray images, int shave) {
        double[][][] luma = LumaImages.of(images, shave);
        double[] energy = new double[luma.length];
        for (int i = 0; i < luma.length; i++) {
            double[][] y = luma[i];
            double sum = 0;
            long pairs = 0;
            for (int r = 0; r < y.length; r++) {
                for (int c = 0; c < y[r].length; c++) {
                    if (c + 1 < y[r].length) {
                        double d = y[r][c + 1] - y[r][c];
                        sum += d * d;
                        pairs++;
                    }
                    if (r + 1 < y.length) {
                        double d = y[r + 1][c] - y[r][c];
                        sum += d * d;
                        pairs++;
                    }
                }
            }
            energy[i] = sum / pairs;
        }
        return energy;
    }
}
