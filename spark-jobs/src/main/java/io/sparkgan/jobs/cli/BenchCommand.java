package io.sparkgan.jobs.cli;

import io.sparkgan.data.ImageShape;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.NetworkFlops;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.training.GanStep;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan bench-step}: times the single-machine GAN step (D + G update), or with {@code --generate} G's
 * forward pass (what {@code sparkgan generate} runs per block), for an architecture and image shape at given batch
 * sizes and ND4J thread counts, next to this machine's float matrix-multiply rate (the practical ceiling).
 * {@code bench/compare-step.sh} runs it alternately with the same step in PyTorch. Figures belong in
 * docs/PERFORMANCE.md, not in tests.
 */
@Command(
        name = "bench-step",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Times one GAN step (D and G updates), or the generation of a batch, on this machine.",
            "",
            "Prints the median time per batch for each --batch and --threads, next to this machine's float"
                    + " matrix-multiply rate (the practical ceiling).",
            "",
            "Exit codes: 0 done, 2 bad options."
        })
public final class BenchCommand implements Callable<Integer> {

    private static final int GEMM_SIZE = 1024;

    @Option(
            names = "--architecture",
            paramLabel = "A",
            description = "DCGAN (default) or DCGAN_K5 (TensorFlow tutorial)")
    GanModelConfig.Architecture architecture = GanModelConfig.Architecture.DCGAN;

    /** The option's spelling before it was named as train's. */
    @Option(names = "--arch", hidden = true)
    void architectureAlias(GanModelConfig.Architecture value) {
        architecture = value;
    }

    @Option(names = "--shape", paramLabel = "HxWxC", description = "image shape (default 28x28x1)")
    String shape = "28x28x1";

    @Option(
            names = "--batch-per-worker",
            paramLabel = "B",
            split = ",",
            description = "minibatch sizes of the step (default 64)")
    int[] batches = {64};

    /** The option's spelling before it was named as train's. */
    @Option(names = "--batch", hidden = true, split = ",")
    void batchesAlias(int[] values) {
        batches = values;
    }

    @Option(names = "--generate", description = "time G's forward pass (sampling) instead of the training step")
    boolean generate;

    @Option(names = "--threads", paramLabel = "N", split = ",", description = "ND4J thread counts (default 1,2)")
    int[] threads = {1, 2};

    @Option(names = "--steps", paramLabel = "N", description = "timed steps per thread count (default 30)")
    int steps = 30;

    @Option(names = "--warmup", paramLabel = "N", description = "untimed steps first (default 5)")
    int warmup = 5;

    @Option(names = "--json", description = "print one JSON line per thread count instead of text")
    boolean json;

    @Override
    public Integer call() {
        try {
            return bench();
        } catch (Exception e) {
            return CommandErrors.report(e, false);
        }
    }

    private int bench() throws Exception {
        ImageShape parsed;
        try {
            parsed = ImageShape.parse(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--shape: " + e.getMessage(), e);
        }
        GanModelConfig config = GanModelConfig.dcgan(parsed.height(), parsed.width(), parsed.channels());
        config.architecture = architecture;
        GanStep step = new GanStep(GanNetworks.generator(config), GanNetworks.discriminator(config), config);
        double gflopPerImage =
                (generate ? NetworkFlops.generatorForwardPerSample(config) : NetworkFlops.ganStepPerSample(config))
                        / 1e9;
        String what = generate ? "generate" : "step";
        for (int batch : batches) {
            if (!json) {
                System.out.printf(
                        "%s %s %s, batch %d: G %,d params, D %,d params, %.3f GFLOP per batch%n",
                        what,
                        architecture,
                        shape,
                        batch,
                        step.generator().numParams(),
                        step.discriminator().numParams(),
                        gflopPerImage * batch);
            }
            int pixels = config.channels * config.height * config.width;
            INDArray real = Transforms.tanh(LatentNoise.sample(1, batch, pixels, DataType.FLOAT))
                    .reshape(batch, config.channels, config.height, config.width);
            INDArray z = LatentNoise.sample(2, batch, config.latentSize, DataType.FLOAT);
            Runnable work = generate ? () -> step.generator().output(z).close() : () -> step.step(real, z);
            for (int t : threads) {
                Map<String, Object> result = time(work, t, batch, gflopPerImage);
                result.put("what", what);
                result.put("arch", architecture.name());
                result.put("shape", shape);
                if (json) {
                    System.out.println(Json.LINE.writeValueAsString(result));
                } else {
                    System.out.printf(
                            "threads %d: median %.4f s per batch (min %.4f, max %.4f), %.0f images/s"
                                    + " (bound by sgemm: %.0f), %.1f GFLOP/s = %.0f%% of sgemm %.1f GFLOP/s;"
                                    + " %.2f cores busy (sgemm %.2f); RSS %.0f -> %.0f -> %.0f MB (start, midway,"
                                    + " end of %d batches)%n",
                            t,
                            result.get("medianSeconds"),
                            result.get("minSeconds"),
                            result.get("maxSeconds"),
                            result.get("imagesPerSecond"),
                            result.get("boundImagesPerSecond"),
                            result.get("gflops"),
                            100 * (double) result.get("gflops") / (double) result.get("gemmGflops"),
                            result.get("gemmGflops"),
                            result.get("busyCores"),
                            result.get("gemmBusyCores"),
                            result.get("rssMbBefore"),
                            result.get("rssMbMidway"),
                            result.get("rssMbAfter"),
                            steps);
                }
            }
        }
        return 0;
    }

    /** Median time of {@code work} over {@code steps} runs at {@code threads} ND4J threads, with the sgemm rate. */
    private Map<String, Object> time(Runnable work, int threads, int batch, double gflopPerImage) {
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        double[] gemmGflops = gemmGflops();
        for (int i = 0; i < warmup; i++) {
            work.run();
        }
        long rssBefore = Pointer.physicalBytes();
        long cpuBefore = processCpuNanos();
        long wallBefore = System.nanoTime();
        double[] seconds = new double[steps];
        long rssMidway = 0;
        for (int i = 0; i < steps; i++) {
            long start = System.nanoTime();
            work.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
            if (i == steps / 2) {
                rssMidway = Pointer.physicalBytes();
            }
        }
        double busyCores = (processCpuNanos() - cpuBefore) / (double) (System.nanoTime() - wallBefore);
        long rssAfter = Pointer.physicalBytes();
        Arrays.sort(seconds);
        double median = seconds[steps / 2];
        double batchGflop = gflopPerImage * batch;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("impl", "sparkgan");
        result.put("batch", batch);
        result.put("threads", threads);
        result.put("medianSeconds", median);
        result.put("minSeconds", seconds[0]);
        result.put("maxSeconds", seconds[steps - 1]);
        result.put("imagesPerSecond", batch / median);
        result.put("boundImagesPerSecond", gemmGflops[0] / gflopPerImage);
        result.put("stepGflop", batchGflop);
        result.put("gflops", batchGflop / median);
        result.put("gemmGflops", gemmGflops[0]);
        result.put("gemmBusyCores", gemmGflops[1]);
        result.put("busyCores", busyCores);
        result.put("rssMbBefore", rssBefore / 1e6);
        result.put("rssMbMidway", rssMidway / 1e6);
        result.put("rssMbAfter", rssAfter / 1e6);
        return result;
    }

    /**
     * Median rate of a square float matrix multiply large enough to be compute-bound, and the cores it kept busy
     * (process CPU time over wall time), which shows whether the thread limit held.
     */
    private static double[] gemmGflops() {
        INDArray a = LatentNoise.sample(3, GEMM_SIZE, GEMM_SIZE, DataType.FLOAT);
        INDArray b = LatentNoise.sample(4, GEMM_SIZE, GEMM_SIZE, DataType.FLOAT);
        INDArray c = Nd4j.create(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
        double[] seconds = new double[12];
        long cpuBefore = 0;
        long wallBefore = 0;
        for (int i = -3; i < seconds.length; i++) {
            if (i == 0) {
                cpuBefore = processCpuNanos();
                wallBefore = System.nanoTime();
            }
            long start = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            if (i >= 0) {
                seconds[i] = (System.nanoTime() - start) / 1e9;
            }
        }
        double busyCores = (processCpuNanos() - cpuBefore) / (double) (System.nanoTime() - wallBefore);
        Arrays.sort(seconds);
        return new double[] {2.0 * GEMM_SIZE * GEMM_SIZE * GEMM_SIZE / seconds[seconds.length / 2] / 1e9, busyCores};
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
