package io.sparkgan.data;

/**
 * Resizes images separably, one axis at a time: area averaging where an axis shrinks (each target pixel is
 * the coverage-weighted mean of the source pixels under it, so no aliasing), bilinear interpolation between
 * pixel centres where it grows. Pure arithmetic on the bytes: Java2D would colour-manage gray images.
 */
final class Resampler {

    private Resampler() {}

    static PixelImage resize(PixelImage source, int height, int width) {
        AxisWeights alongWidth = AxisWeights.of(source.width(), width);
        AxisWeights alongHeight = AxisWeights.of(source.height(), height);
        int channels = source.channels();
        byte[] in = source.pixels();

        float[] widthDone = new float[source.height() * width * channels];
        for (int y = 0; y < source.height(); y++) {
            for (int x = 0; x < width; x++) {
                float[] weights = alongWidth.weights[x];
                for (int c = 0; c < channels; c++) {
                    float sum = 0;
                    for (int k = 0; k < weights.length; k++) {
                        sum += weights[k] * (in[(y * source.width() + alongWidth.first[x] + k) * channels + c] & 0xff);
                    }
                    widthDone[(y * width + x) * channels + c] = sum;
                }
            }
        }

        byte[] out = new byte[height * width * channels];
        for (int y = 0; y < height; y++) {
            float[] weights = alongHeight.weights[y];
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    float sum = 0;
                    for (int k = 0; k < weights.length; k++) {
                        sum += weights[k] * widthDone[((alongHeight.first[y] + k) * width + x) * channels + c];
                    }
                    out[(y * width + x) * channels + c] = (byte) Math.max(0, Math.min(255, Math.round(sum)));
                }
            }
        }
        return new PixelImage(height, width, channels, out);
    }

    /** For each target index j: target[j] = sum over k of weights[j][k] * source[first[j] + k]. */
    private record AxisWeights(int[] first, float[][] weights) {

        static AxisWeights of(int from, int to) {
            int[] first = new int[to];
            float[][] weights = new float[to][];
            double scale = (double) from / to;
            for (int j = 0; j < to; j++) {
                if (to <= from) {
                    double start = j * scale;
                    double end = (j + 1) * scale;
                    first[j] = (int) Math.floor(start);
                    int last = Math.min(from - 1, (int) Math.ceil(end) - 1);
                    weights[j] = new float[last - first[j] + 1];
                    for (int i = first[j]; i <= last; i++) {
                        double covered = Math.min(i + 1, end) - Math.max(i, start);
                        weights[j][i - first[j]] = (float) (covered / scale);
                    }
                } else {
                    double centre = Math.max(0, Math.min(from - 1, (j + 0.5) * scale - 0.5));
                    first[j] = (int) Math.floor(centre);
                    double t = centre - first[j];
                    weights[j] = first[j] == from - 1 ? new float[] {1f} : new float[] {(float) (1 - t), (float) t};
                }
            }
            return new AxisWeights(first, weights);
        }
    }
}
