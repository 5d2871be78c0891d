package io.sparkgan.jobs;

import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.GanNetworks;
import io.sparkgan.model.GanStep;
import io.sparkgan.model.LatentNoise;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code sparkgan bench-step}: times the single-machine GAN step (D + G update) of the DCGAN for an image shape,
 * at given ND4J thread counts. The figures belong in docs, not in tests.
 */
@Command(name = "bench-step", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Median time of one DCGAN step (D and G updates) on this machine, per thread count.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--shape", paramLabel = "HxWxC", description = "image shape (default 28x28x1)")
    String shape = "28x28x1";

    @Option(names = "--batch", paramLabel = "B", description = "batch size (default 64)")
    int batch = 64;

    @Option(names = "--threads", paramLabel = "N", split = ",", description = "ND4J thread counts (default 1,2)")
    int[] threads = {1, 2};

    @Option(names = "--steps", paramLabel = "N", description = "timed steps per thread count (default 30)")
    int steps = 30;

    @Override
    public Integer call() {
        String[] parts = shape.split("x");
        GanModelConfig config = GanModelConfig.dcgan(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                Integer.parseInt(parts[2]));
        GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config.loss);
        System.out.printf("DCGAN %s, batch %d: G %,d params, D %,d params%n", shape, batch,
                step.generator().numParams(), step.discriminator().numParams());
        int pixels = config.channels * config.height * config.width;
        INDArray real = Transforms.tanh(LatentNoise.sample(1, batch, pixels, DataType.FLOAT))
                .reshape(batch, config.channels, config.height, config.width);
        INDArray z = LatentNoise.sample(2, batch, config.latentSize, DataType.FLOAT);
        for (int t : threads) {
            Nd4j.getEnvironment().setMaxThreads(t);
            Nd4j.factory().blas().setMaxThreads(t);
            for (int i = 0; i < 5; i++) {
                step.step(real, z);
            }
            double[] seconds = new double[steps];
            for (int i = 0; i < steps; i++) {
                long start = System.nanoTime();
                step.step(real, z);
                seconds[i] = (System.nanoTime() - start) / 1e9;
            }
            Arrays.sort(seconds);
            double median = seconds[steps / 2];
            System.out.printf("threads %d: median %.3f s per step (min %.3f, max %.3f), %.0f images/s%n", t, median,
                    seconds[0], seconds[steps - 1], batch / median);
        }
        return 0;
    }
}
