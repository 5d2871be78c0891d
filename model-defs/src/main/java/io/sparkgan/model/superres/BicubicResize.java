package io.sparkgan.model.superres;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Resizing by an integer factor with Keys' cubic convolution kernel (a = -0.5, as MATLAB's {@code imresize} and
 * PIL's bicubic filter use), separable, with the edge pixels repeated beyond the border. Downscaling is
 * antialiased the way those libraries do it: the kernel is stretched by the factor, so each output pixel averages
 * the 4 x factor input pixels around it instead of sampling 4 of them. Pixel centres are aligned
 * (output pixel i sits at input coordinate (i + 0.5) factor - 0.5 when shrinking). Results are clipped to
 * [-1, 1], the range of every image here, as saving them would.
 */
public final class BicubicResize {

    private static final double A = -0.5;

    private BicubicResize() {}

    /** Images [b, C, H, W] shrunk to [b, C, H / factor, W / factor] (sides must divide). */
    public static INDArray downscale(INDArray images, int factor) {
        long h = images.size(2);
        long w = images.size(3);
        if (h % factor != 0 || w % factor != 0) {
            throw new IllegalArgumentException(
                    "cannot downscale " + h + "x" + w + " images by " + factor + ": the sides must be divisible by it");
        }
        return resize(
                images,
                weights((int) h, (int) (h / factor), factor, true),
                weights((int) w, (int) (w / factor), factor, true));
    }

    /** Images [b, C, H, W] enlarged to [b, C, factor H, factor W] (the bicubic baseline of super-resolution). */
    public static INDArray upscale(INDArray images, int factor) {
        int h = (int) images.size(2);
        int w = (int) images.size(3);
        return resize(images, weights(h, h * factor, factor, false), weights(w, w * factor, factor, false));
    }

    private static INDArray resize(INDArray images, double[][] rows, double[][] columns) {
        long b = images.size(0);
        long c = images.size(1);
        long h = images.size(2);
        long w = images.size(3);
        int outH = rows.length;
        int outW = columns.length;
        INDArray rowWeights = Nd4j.create(rows).castTo(images.dataType());
        INDArray columnWeights = Nd4j.create(columns).castTo(images.dataType());
        // along the width: [b c h, w] x [w, outW]; then along the height on the transposed maps
        INDArray alongWidth = images.dup('c').reshape(b * c * h, w).mmul(columnWeights.transpose());
        INDArray byColumn =
                alongWidth.reshape(b * c, h, outW).permute(0, 2, 1).dup('c').reshape(b * c * outW, h);
        INDArray alongHeight = byColumn.mmul(rowWeights.transpose());
        INDArray resized =
                alongHeight.reshape(b * c, outW, outH).permute(0, 2, 1).dup('c').reshape(b, c, outH, outW);
        return clip(resized);
    }

    private static INDArray clip(INDArray images) {
        return org.nd4j.linalg.ops.transforms.Transforms.max(
                org.nd4j.linalg.ops.transforms.Transforms.min(images, 1.0, false), -1.0, false);
    }

    /**
     * The [out][in] weights of one axis. Shrinking, output i is centred at (i + 0.5) factor - 0.5 and the kernel is
     * stretched by the factor; enlarging, at (i + 0.5) / factor - 0.5 with the kernel as it is. Taps beyond the
     * border fall on the nearest edge pixel; each row sums to 1.
     */
    static double[][] weights(int in, int out, int factor, boolean shrinking) {
        double stretch = shrinking ? factor : 1;
        double[][] weights = new double[out][in];
        for (int i = 0; i < out; i++) {
            double centre = shrinking ? (i + 0.5) * factor - 0.5 : (i + 0.5) / factor - 0.5;
            int first = (int) Math.floor(centre - 2 * stretch);
            int last = (int) Math.ceil(centre + 2 * stretch);
            double sum = 0;
            for (int k = first; k <= last; k++) {
                double weight = cubic((k - centre) / stretch);
                weights[i][Math.min(in - 1, Math.max(0, k))] += weight;
                sum += weight;
            }
            for (int k = 0; k < in; k++) {
                weights[i][k] /= sum;
            }
        }
        return weights;
    }

    /** Keys' cubic convolution kernel. */
    static double cubic(double x) {
        double t = Math.abs(x);
        if (t <= 1) {
            return ((A + 2) * t - (A + 3)) * t * t + 1;
        }
        if (t < 2) {
            return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
        }
        return 0;
    }
}
