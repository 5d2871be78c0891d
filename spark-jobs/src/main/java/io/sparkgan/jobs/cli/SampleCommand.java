package io.sparkgan.jobs.cli;

import io.sparkgan.data.OutputFile;
import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.data.export.NumpyArray;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.nets.ClassConditioning;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.state.GanCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan sample}: G's images for latent vectors the caller chose (an interpolation, a fixed grid), on the
 * driver, from and to numpy files, so that notebooks can explore a checkpoint without a JVM kernel.
 */
@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs a checkpoint's G on the driver for latent vectors given as a numpy file.",
            "",
            "The latent vectors are a .npy file (N x latent size, any float or integer dtype); for a"
                    + " conditional run --labels gives the class of each (N integers). The images are written to a .npy"
                    + " file (uint8, N x H x W x C). For notebooks: latent interpolation, class grids. Use 'generate'"
                    + " for datasets.",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class SampleCommand implements Callable<Integer> {

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--run-dir", paramLabel = "URI", description = "the run to sample from (or --registry)")
    String runDir;

    @Mixin
    RegistryOptions registryOptions;

    @Option(
            names = "--checkpoint",
            paramLabel = "STEP|best|latest",
            description = "which checkpoint (default: best when one is marked, else latest)")
    String checkpoint;

    @Option(names = "--latents", required = true, paramLabel = "FILE", description = "latent vectors (.npy, N x Z)")
    String latents;

    @Option(names = "--labels", paramLabel = "FILE", description = "a conditional run's classes (.npy, N)")
    String labels;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "the images (.npy) to write")
    String output;

    @Option(names = "--overwrite", description = "replace an existing --output")
    boolean overwrite;

    @Override
    public Integer call() {
        try {
            Configuration conf = SparkSessions.hadoopConfiguration(sparkOptions);
            Path target = new Path(output);
            FileSystem fs = target.getFileSystem(conf);
            OutputFile.refuseExisting(fs, target, output, overwrite);
            RegistryOptions.Model model = registryOptions.resolve(conf, runDir, checkpoint);
            TrainConfig config = TrainConfig.storedGanIn(new RunDirectory(model.runDir(), conf), "sparkgan sample");
            CheckpointStore<GanCheckpoint> checkpoints =
                    GanCheckpoints.store(new RunStorage(model.runDir(), conf), config.keepCheckpoints);
            long step = checkpoints.resolve(model.checkpoint(), model.runDir());
            GanCheckpoint loaded = checkpoints.load(step);
            GanModelConfig gan = loaded.config();
            NumpyArray z = read(conf, latents);
            if (z.shape().length != 2 || z.shape()[1] != gan.latentSize) {
                throw new IllegalArgumentException("--latents " + latents + " has shape "
                        + java.util.Arrays.toString(z.shape()) + "; run " + model.runDir() + " needs N x "
                        + gan.latentSize);
            }
            int n = Math.toIntExact(z.shape()[0]);
            int size = gan.height * gan.width * gan.channels;
            if ((long) n * size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("--latents " + latents + ": " + n + " images of " + size
                        + " bytes do not fit one array (2 GiB); sample them in parts");
            }
            INDArray oneHot = null;
            if (gan.conditional != (labels != null)) {
                throw new IllegalArgumentException(
                        gan.conditional
                                ? "run " + model.runDir()
                                        + " is conditional: --labels gives the class of each latent vector"
                                : "--labels: run " + model.runDir() + " is unconditional");
            }
            if (labels != null) {
                double[] classes = read(conf, labels).toDoubles();
                if (classes.length != n) {
                    throw new IllegalArgumentException("--labels " + labels + " holds " + classes.length
                            + " classes for " + n + " latent vectors");
                }
                oneHot = ClassConditioning.oneHot(
                        classes(classes, gan.classes, model.runDir()), gan.classes, DataType.FLOAT);
            }
            INDArray input = Nd4j.create(z.toDoubles(), new long[] {n, gan.latentSize}, 'c')
                    .castTo(DataType.FLOAT);
            Network generator = loaded.samplingGenerator();
            byte[][] images = ImageTensors.toPixels(generator.output(ClassConditioning.generatorInput(input, oneHot)));
            byte[] all = new byte[n * size];
            for (int i = 0; i < n; i++) {
                System.arraycopy(images[i], 0, all, i * size, size);
            }
            OutputFile.write(fs, target, NumpyArray.uint8(all, n, gan.height, gan.width, gan.channels)::write);
            System.out.printf("%d images of %s checkpoint %d written to %s%n", n, model.runDir(), step, output);
            return 0;
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }

    private static NumpyArray read(Configuration conf, String file) throws IOException {
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(conf);
        try (InputStream in = fs.open(path)) {
            return NumpyArray.read(in, file, fs.getFileStatus(path).getLen());
        }
    }

    /** The --labels values as class indices: each must be a whole number from 0 to {@code count - 1}. */
    private int[] classes(double[] values, int count, String run) {
        int[] classes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double value = values[i];
            if (value != Math.rint(value) || value < 0 || value >= count) {
                throw new IllegalArgumentException("--labels " + labels + ": value " + value + " at index " + i
                        + " is not a class of run " + run + " (whole numbers 0 to " + (count - 1) + ")");
            }
            classes[i] = (int) value;
        }
        return classes;
    }
}
