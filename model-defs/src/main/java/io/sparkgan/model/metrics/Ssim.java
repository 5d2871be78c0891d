package io.sparkgan.model.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Structural similarity (Wang et al. 2004) of each image against its reference, on the luma in [0, 1] with the
 * borders shaved ({@link LumaImages}): local means, variances and covariance under an 11x11 Gaussian window
 * (sigma 1.5) over every position where the window fits, C1 = (0.01)^2, C2 = (0.03)^2, and the mean of the SSIM
 * map. Images smaller than the window use a window of their size.
 */
public final class Ssim {

    private static final int WINDOW = 11;
    private static final double SIGMA = 1.5;
    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;

    private Ssim() {}

    public static double[] perImage(INDArray images, INDArray references, int shave) {
        double[][][] a = LumaImages.of(images, shave);
        double[][][] b = LumaImages.of(references, shave);
        double[] ssim = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ssim[i] = of(a[i], b[i]);
        }
        return ssim;
    }

    static double of(double[][] x, double[][] y) {
        int h = x.length;
        int w = x[0].length;
        int size = Math.min(WINDOW, Math.min(h, w));
        double[][] window = gaussian(size);
        double total = 0;
        int windows = 0;
        for (int top = 0; top + size <= h; top++) {
            for (int left = 0; left + size <= w; left++) {
                double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                for (int u = 0; u < size; u++) {
                    for (int v = 0; v < size; v++) {
                        double weight = window[u][v];
                        double a = x[top + u][left + v];
                        double b = y[top + u][left + v];
                        mx += weight * a;
                        my += weight * b;
                        xx += weight * a * a;
                        yy += weight * b * b;
                        xy += weight * a * b;
                    }
                }
                double vx = xx - mx * mx;
                double vy = yy - my * my;
                double cov = xy - mx * my;
                total += (2 * mx * my + C1) * (2 * cov + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                windows++;
            }
        }
        return total / windows;
    }

    private static double[][] gaussian(int size) {
        double[][] window = new double[size][size];
        double sum = 0;
        double centre = (size - 1) / 2.0;
        for (int u = 0; u < size; u++) {
            for (int v = 0; v < size; v++) {
                double d2 = (u - centre) * (u - centre) + (v - centre) * (v - centre);
                window[u][v] = Math.exp(-d2 / (2 * SIGMA * SIGMA));
                sum += window[u][v];
            }
        }
        for (double[] row : window) {
            for (int v = 0; v < size; v++) {
                row[v] /= sum;
            }
        }
        return window;
    }
}
