package io.sparkgan.model.sampling;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Latent vectors z ~ N(0, I) drawn from a Java RNG rather than ND4J's: the same seed gives the same noise on every
 * backend (CPU or CUDA) and in every JVM, which is what makes runs and sample grids reproducible.
 */
public final class LatentNoise {

    private LatentNoise() {}

    public static INDArray sample(long seed, int batch, int latentSize, DataType dataType) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] values = new double[batch * latentSize];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextGaussian();
        }
        return Nd4j.create(values, new long[] {batch, latentSize}, DataType.DOUBLE)
                .castTo(dataType);
    }

    /** A seed for one use of the noise, derived from a run seed and any counters (round, partition, step). */
    public static long derive(long seed, long... counters) {
        long h = seed;
        for (long c : counters) {
            h = mix(h ^ mix(c + 0x9E3779B97F4A7C15L));
        }
        return h;
    }

    // SplitMix64's finaliser: decorrelates nearby counters
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
