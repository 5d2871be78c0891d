package io.sparkgan.jobs.eval;

import io.sparkgan.model.ClassConditioning;
import io.sparkgan.model.LatentNoise;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

/**
 * How a generator's samples are made on the executors: in blocks of {@value #SIZE} whose noise is a function of
 * (seed, block) alone, so a sample set is the same whatever the partitioning and a retried task makes the same
 * images. A conditional generator ({@code classes} > 0) is asked for class {@code k mod classes} for sample k,
 * so every class gets its share. Samples are quantised to 8-bit pixels, as real images are.
 */
final class SampleBlocks {

    static final int SIZE = 256;

    private SampleBlocks() {
    }

    /** The block indexes of {@code count} samples, spread over up to {@code partitions} tasks. */
    static JavaRDD<Integer> of(JavaSparkContext jsc, int count, int partitions) {
        List<Integer> blocks = new ArrayList<>();
        for (int b = 0; b * SIZE < count; b++) {
            blocks.add(b);
        }
        return jsc.parallelize(blocks, Math.max(1, Math.min(partitions, blocks.size())));
    }

    static int first(int block) {
        return block * SIZE;
    }

    static int size(int block, int count) {
        return Math.min(SIZE, count - block * SIZE);
    }

    /** The images of one block, NCHW in [-1, 1] on the 8-bit grid. */
    static INDArray generate(MultiLayerNetwork generator, int latentSize, int classes, long seed, int block,
                             int count) {
        int size = size(block, count);
        INDArray noise = LatentNoise.sample(LatentNoise.derive(seed, block), size, latentSize, DataType.FLOAT);
        INDArray input = classes > 0 ? ClassConditioning.generatorInput(noise, ClassConditioning.oneHot(
                requestedClasses(first(block), size, classes), classes, DataType.FLOAT)) : noise;
        return quantised(generator.output(input, false));
    }

    /** The classes asked of a conditional generator for samples {@code first .. first + size}. */
    static int[] requestedClasses(int first, int size, int classes) {
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            labels[i] = (first + i) % classes;
        }
        return labels;
    }

    /** Images in [-1, 1] rounded to the 256 levels of 8-bit pixels. */
    static INDArray quantised(INDArray images) {
        INDArray levels = Transforms.round(images.add(1).muli(127.5), false);
        return Transforms.min(Transforms.max(levels, 0, false), 255, false).divi(127.5).subi(1);
    }
}
