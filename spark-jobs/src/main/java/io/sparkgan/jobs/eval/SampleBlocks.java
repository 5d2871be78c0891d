package io.sparkgan.jobs.eval;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.ClassLayout;
import io.sparkgan.model.sampling.DiscriminatorRejection;
import io.sparkgan.model.sampling.LatentNoise;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * How a generator's samples are made on the executors: ids 0 .. count in blocks of {@value #SIZE} whose images are
 * a function of (seed, block) alone, so a sample set is the same whatever the partitioning and a retried task
 * makes the same images. A conditional generator is asked for the class its {@link ClassLayout} gives each id
 * (exact counts, classes spread over the ids). Samples are quantised to 8-bit pixels, as real images are.
 *
 * <p>With a keep fraction below 1, each block draws 1/fraction times as many candidates per class from noise of
 * its own and keeps those D scores highest ({@link DiscriminatorRejection}); ids and labels stay as above.
 */
public final class SampleBlocks implements Serializable {

    private static final long serialVersionUID = 1L;
    public static final int SIZE = 256;

    private final int count;
    private final int latentSize;
    private final ClassLayout layout;
    private final long seed;
    private final double keepFraction;

    private SampleBlocks(int count, int latentSize, ClassLayout layout, long seed, double keepFraction) {
        if (count < 1) {
            throw new IllegalArgumentException("sample count must be >= 1, got " + count);
        }
        if (!(keepFraction > 0 && keepFraction <= 1)) {
            throw new IllegalArgumentException("--keep-fraction must be in (0, 1], got " + keepFraction);
        }
        this.count = count;
        this.latentSize = latentSize;
        this.layout = layout;
        this.seed = seed;
        this.keepFraction = keepFraction;
    }

    /**
     * {@code count} samples of a generator of {@code model}; a conditional one is asked for every class alike, of
     * the classes that have real images when {@code realFrequencies} is given (a class without any is not asked for).
     */
    public static SampleBlocks of(GanModelConfig model, int count, long seed, double[] realFrequencies) {
        return new SampleBlocks(
                count,
                model.latentSize,
                model.conditional ? ClassLayout.ofShares(present(model.classes, realFrequencies), count) : null,
                seed,
                1);
    }

    /**
     * {@code count} samples, of a conditional generator in the exact class counts of {@code layout} (null for an
     * unconditional one), filtered by D down from 1 / keepFraction times as many when keepFraction is below 1.
     */
    public static SampleBlocks of(GanModelConfig model, int count, ClassLayout layout, long seed, double keepFraction) {
        if (model.conditional != (layout != null)) {
            throw new IllegalArgumentException(
                    model.conditional
                            ? "a conditional generator needs a class mix"
                            : "an unconditional generator has no classes to ask for");
        }
        if (layout != null && layout.classes() != model.classes) {
            throw new IllegalArgumentException(
                    "class mix over " + layout.classes() + " classes for a generator of " + model.classes);
        }
        if (layout != null && layout.total() != count) {
            throw new IllegalArgumentException("class mix of " + layout.total() + " samples for a count of " + count);
        }
        return new SampleBlocks(count, model.latentSize, layout, seed, keepFraction);
    }

    private static double[] present(int classes, double[] realFrequencies) {
        double[] shares = new double[classes];
        Arrays.fill(shares, 1);
        if (realFrequencies != null
                && realFrequencies.length == classes
                && Arrays.stream(realFrequencies).anyMatch(f -> f > 0)) {
            for (int c = 0; c < classes; c++) {
                shares[c] = realFrequencies[c] > 0 ? 1 : 0;
            }
        }
        return shares;
    }

    public int count() {
        return count;
    }

    public boolean filtered() {
        return keepFraction < 1;
    }

    /** The block indexes, spread over up to {@code partitions} tasks. */
    public JavaRDD<Integer> blocks(JavaSparkContext jsc, int partitions) {
        List<Integer> blocks = new ArrayList<>();
        for (int b = 0; (long) b * SIZE < count; b++) {
            blocks.add(b);
        }
        return jsc.parallelize(blocks, Math.max(1, Math.min(partitions, blocks.size())));
    }

    public int first(int block) {
        return block * SIZE;
    }

    public int size(int block) {
        return Math.min(SIZE, count - block * SIZE);
    }

    /** The classes asked for the samples of a block; null for an unconditional generator. */
    public int[] labels(int block) {
        return layout == null ? null : layout.labels(first(block), size(block));
    }

    /** Samples per class; null for an unconditional generator. */
    public long[] classCounts() {
        return layout == null ? null : layout.counts();
    }

    /** The classes asked for all samples, in id order; null for an unconditional generator. */
    public int[] labels() {
        return layout == null ? null : layout.labels(0, count);
    }

    /** The images of one block, NCHW in [-1, 1] on the 8-bit grid (D is only used to filter, may be null then). */
    public INDArray generate(Network generator, Network discriminator, GanModelConfig model, int block) {
        int[] labels = labels(block);
        if (!filtered()) {
            return draw(generator, LatentNoise.derive(seed, block), size(block), labels);
        }
        // candidates per class in the block (one group when unconditional), each group from noise of its own;
        // all groups go through G and D as one batch
        int groups = layout == null ? 1 : layout.classes();
        List<List<Integer>> slots = new ArrayList<>();
        List<INDArray> noise = new ArrayList<>();
        List<Integer> drawnPerGroup = new ArrayList<>();
        int[] asked = new int[0];
        for (int group = 0; group < groups; group++) {
            List<Integer> slotsOfGroup = new ArrayList<>();
            for (int i = 0; i < size(block); i++) {
                if (labels == null || labels[i] == group) {
                    slotsOfGroup.add(i);
                }
            }
            if (slotsOfGroup.isEmpty()) {
                continue; // a class the block does not ask for
            }
            slots.add(slotsOfGroup);
            int drawn = DiscriminatorRejection.candidates(slotsOfGroup.size(), keepFraction);
            drawnPerGroup.add(drawn);
            noise.add(
                    LatentNoise.sample(LatentNoise.derive(seed, block, 1 + group), drawn, latentSize, DataType.FLOAT));
            int[] more = Arrays.copyOf(asked, asked.length + drawn);
            Arrays.fill(more, asked.length, more.length, group);
            asked = more;
        }
        INDArray oneHot = labels == null ? null : ClassConditioning.oneHot(asked, layout.classes(), DataType.FLOAT);
        INDArray input = ClassConditioning.generatorInput(
                noise.size() == 1 ? noise.get(0) : Nd4j.concat(0, noise.toArray(INDArray[]::new)), oneHot);
        // in slices of one block's size, so that a small keep fraction does not multiply G's activation memory
        List<INDArray> images = new ArrayList<>();
        double[] scores = new double[(int) input.size(0)];
        for (int from = 0; from < scores.length; from += SIZE) {
            int to = Math.min(scores.length, from + SIZE);
            INDArray slice =
                    quantised(generator.output(input.get(NDArrayIndex.interval(from, to), NDArrayIndex.all())));
            double[] sliceScores = DiscriminatorRejection.scores(
                    discriminator,
                    model,
                    slice,
                    oneHot == null ? null : oneHot.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
            System.arraycopy(sliceScores, 0, scores, from, sliceScores.length);
            images.add(slice);
        }
        INDArray candidates = images.size() == 1 ? images.get(0) : Nd4j.concat(0, images.toArray(INDArray[]::new));
        long[] shape = candidates.shape().clone();
        shape[0] = size(block);
        INDArray out = Nd4j.create(candidates.dataType(), shape);
        int first = 0;
        for (int g = 0; g < slots.size(); g++) {
            List<Integer> slotsOfGroup = slots.get(g);
            int drawn = drawnPerGroup.get(g);
            int[] kept = DiscriminatorRejection.highest(
                    Arrays.copyOfRange(scores, first, first + drawn), slotsOfGroup.size());
            for (int k = 0; k < kept.length; k++) {
                out.putSlice(slotsOfGroup.get(k), candidates.slice(first + kept[k]));
            }
            first += drawn;
        }
        return out;
    }

    private INDArray draw(Network generator, long noiseSeed, int n, int[] labels) {
        INDArray noise = LatentNoise.sample(noiseSeed, n, latentSize, DataType.FLOAT);
        INDArray input = labels == null
                ? noise
                : ClassConditioning.generatorInput(
                        noise, ClassConditioning.oneHot(labels, layout.classes(), DataType.FLOAT));
        return quantised(generator.output(input));
    }

    /** Images in [-1, 1] rounded to the 256 levels of 8-bit pixels. */
    static INDArray quantised(INDArray images) {
        INDArray levels = Transforms.round(images.add(1).muli(127.5), false);
        return Transforms.min(Transforms.max(levels, 0, false), 255, false)
                .divi(127.5)
                .subi(1);
    }
}
