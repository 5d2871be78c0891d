package io.sparkgan.model.toy;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The standard 2-D mode-collapse benchmark: a mixture of {@code modes} Gaussians of standard deviation
 * {@code std} evenly spaced on a circle of radius {@code radius}. Mode coverage is countable: a sample belongs to
 * the nearest mode if it lies within 3 std of it.
 */
public final class GaussianRing {

    private final int modes;
    private final double radius;
    private final double std;

    public GaussianRing(int modes, double radius, double std) {
        this.modes = modes;
        this.radius = radius;
        this.std = std;
    }

    public INDArray sample(int n, SplittableRandom random) {
        return sample(n, random, new int[n]);
    }

    /** Samples as above, writing each sample's mode (its class, for a conditional model) into {@code modesOut}. */
    public INDArray sample(int n, SplittableRandom random, int[] modesOut) {
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            int mode = random.nextInt(modes);
            modesOut[i] = mode;
            double angle = 2 * Math.PI * mode / modes;
            xy[2 * i] = radius * Math.cos(angle) + std * random.nextGaussian();
            xy[2 * i + 1] = radius * Math.sin(angle) + std * random.nextGaussian();
        }
        return Nd4j.create(xy, new long[] {n, 2}, DataType.DOUBLE).castTo(DataType.FLOAT);
    }

    /** Counts, for generated points [n, 2], how many modes got at least {@code minPerMode} points within 3 std. */
    public Coverage coverage(INDArray points, int minPerMode) {
        double[][] p = points.castTo(DataType.DOUBLE).toDoubleMatrix();
        int[] perMode = new int[modes];
        int highQuality = 0;
        for (double[] point : p) {
            int nearest = 0;
            double best = Double.MAX_VALUE;
            for (int m = 0; m < modes; m++) {
                double angle = 2 * Math.PI * m / modes;
                double dx = point[0] - radius * Math.cos(angle);
                double dy = point[1] - radius * Math.sin(angle);
                double d = Math.sqrt(dx * dx + dy * dy);
                if (d < best) {
                    best = d;
                    nearest = m;
                }
            }
            if (best <= 3 * std) {
                perMode[nearest]++;
                highQuality++;
            }
        }
        int covered = 0;
        for (int count : perMode) {
            if (count >= minPerMode) {
                covered++;
            }
        }
        return new Coverage(covered, (double) highQuality / p.length, perMode);
    }

    /** The share of points within 3 std of the given mode. */
    public double shareNear(INDArray points, int mode) {
        double[][] p = points.castTo(DataType.DOUBLE).toDoubleMatrix();
        double angle = 2 * Math.PI * mode / modes;
        int near = 0;
        for (double[] point : p) {
            double dx = point[0] - radius * Math.cos(angle);
            double dy = point[1] - radius * Math.sin(angle);
            if (Math.sqrt(dx * dx + dy * dy) <= 3 * std) {
                near++;
            }
        }
        return near / (double) p.length;
    }

    /** Modes covered, the fraction of points within 3 std of a mode, and the points per mode. */
    public record Coverage(int modesCovered, double highQualityFraction, int[] pointsPerMode) {}
}
