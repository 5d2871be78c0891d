package io.sparkgan.model.sampling;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.Network;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Discriminator rejection sampling in its simplest, deterministic form (after Azadi et al.): draw more samples than
 * needed and keep the ones D scores as most real. D's score is its output for the sample's label (the label's
 * output of a projection D), so a conditional sample competes only with samples asked for the same class.
 */
public final class DiscriminatorRejection {

    private DiscriminatorRejection() {}

    /** D's score of each image [n, C, H, W] (its label's output for a conditional model; oneHot null otherwise). */
    public static double[] scores(Network discriminator, GanModelConfig config, INDArray images, INDArray oneHot) {
        INDArray input = ClassConditioning.discriminatorInput(
                images, config.conditional && config.conditioning.input ? oneHot : null);
        INDArray output = discriminator.output(input);
        if (config.discriminatorOutputs() > 1) {
            output = output.mul(oneHot.castTo(output.dataType())).sum(1);
        }
        return output.reshape(images.size(0)).toDoubleVector();
    }

    /** Candidates to draw so that {@code keep} remain at {@code keepFraction}. */
    public static int candidates(int keep, double keepFraction) {
        return (int) Math.ceil(keep / keepFraction - 1e-9);
    }

    /** Indexes of the {@code keep} highest scores, in ascending index order (ties to the lower index). */
    public static int[] highest(double[] scores, int keep) {
        if (keep > scores.length) {
            throw new IllegalArgumentException("cannot keep " + keep + " of " + scores.length + " samples");
        }
        int[] kept = IntStream.range(0, scores.length)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
                .limit(keep)
                .mapToInt(Integer::intValue)
                .toArray();
        Arrays.sort(kept);
        return kept;
    }
}
