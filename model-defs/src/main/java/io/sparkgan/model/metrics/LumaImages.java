package io.sparkgan.model.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Images as super-resolution metrics compare them (the convention of the SRGAN and ESRGAN papers): the luma channel
 * (Y of ITU-R BT.601, 0.299 R + 0.587 G + 0.114 B; a gray image as it is) in [0, 1], with {@code shave} pixels cut
 * from every border, where upscalers have least context.
 */
final class LumaImages {

    private LumaImages() {}

    /** [b, C, H, W] in [-1, 1] to [b][H - 2 shave][W - 2 shave] in [0, 1]. */
    static double[][][] of(INDArray images, int shave) {
        int b = (int) images.size(0);
        int c = (int) images.size(1);
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("images must have 1 or 3 channels, got " + c);
        }
        if (h <= 2 * shave || w <= 2 * shave) {
            throw new IllegalArgumentException(h + "x" + w + " images leave nothing after shaving " + shave);
        }
        double[] values = images.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[][][] luma = new double[b][h - 2 * shave][w - 2 * shave];
        int plane = h * w;
        for (int i = 0; i < b; i++) {
            int base = i * c * plane;
            for (int y = shave; y < h - shave; y++) {
                for (int x = shave; x < w - shave; x++) {
                    int at = base + y * w + x;
                    double v = c == 1
                            ? values[at]
                            : 0.299 * values[at] + 0.587 * values[at + plane] + 0.114 * values[at + 2 * plane];
                    luma[i][y - shave][x - shave] = (v + 1) / 2;
                }
            }
        }
        return luma;
    }
}
