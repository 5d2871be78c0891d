package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.training.GanStep;
import io.sparkgan.model.training.StepStats;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Issue 32's step-parity check, Java half: the default DCGAN step ({@link GanStep} on {@link GanNetworks} from
 * {@link GanModelConfig} defaults at MNIST 28x28x1) on fixed inputs, written as .npy files for
 * {@code bench/parity/torch_parity.py}, which runs the same steps in PyTorch and compares.
 *
 * <p>Not part of the normal suite: its name does not match surefire's default patterns ({@code *Test},
 * {@code Test*}, {@code *Tests}, {@code *TestCase}); it only runs when named. It is a test class rather than a
 * bench/ program like {@code bench/numpy/NpyBench.java} because model-defs' test classpath already has everything it
 * needs (GanStep, DL4J), so one Maven call of model-defs alone runs it, with no packaged launcher classpath. From the
 * repository root (about a minute; results in /tmp/parity-results.md of issue 32):
 *
 * <pre>
 * mvn -B -o -q -pl model-defs test -Dtest=GanStepParityDump -Dparity.out=/tmp/parity &amp;&amp; /usr/bin/python3 bench/parity/torch_parity.py /tmp/parity/float
 * </pre>
 *
 * <p>System properties: {@code parity.out} (default {@code target/parity}), {@code parity.dtypes} (comma-separated,
 * default {@code FLOAT}; {@code FLOAT,DOUBLE} adds a float64 run, where rounding noise is too small to hide an
 * algorithmic difference), {@code parity.mnist} (folder of MNIST's IDX files, default {@code ../data/mnist}), {@code
 * parity.steps} (default 20).
 *
 * <p>Written into {@code OUT/<dtype>/}: {@code real.npy} [steps, 64, 1, 28, 28] (MNIST training images picked by a
 * seeded shuffle, /127.5 - 1), {@code noise.npy} [steps, 64, 100] ({@link LatentNoise}, seed 1000 + step); for
 * G and D ({@code g}, {@code d}), {@code step0/}, {@code step1/}, {@code step2/}, {@code step5/}, {@code step20/}
 * each with one file per DL4J parameter ({@code <net>_<layer>_<name>.npy}, its logical shape in C order: dense W
 * [nIn, nOut], (de)convolution W as DL4J stores it, batch-norm mean and log10 std) and the flat parameter vector
 * ({@code <net>_flat.npy}: the parameters in the manifest's order, each in C order except the dense layers' W,
 * which is in column-major order); in {@code step1/} also Adam's m and v per parameter ({@code <net>_m_...}, {@code
 * <net>_v_...}); {@code forward/} with G(noise[0]) and D(real[0]) before training, in inference and in training mode;
 * {@code losses.npy} [steps, 4] (D loss, G loss, mean D(real), mean D(fake) as {@link StepStats} reports them); and
 * {@code manifest.json} (parameter names and shapes in layer order).
 */
public class GanStepParityDump {

    static final int BATCH = 64;
    static final Set<Integer> SAVED = Set.of(1, 2, 5, 20);

    @Test
    void dump() throws IOException {
        Path out = Path.of(System.getProperty("parity.out", "target/parity"));
        Path mnist = Path.of(System.getProperty("parity.mnist", "../data/mnist"));
        int steps = Integer.parseInt(System.getProperty("parity.steps", "20"));
        for (String dtype : System.getProperty("parity.dtypes", "FLOAT").split(",")) {
            dump(out.resolve(dtype.trim().toLowerCase()), mnist, steps, DataType.valueOf(dtype.trim()));
        }
    }

    static void dump(Path dir, Path mnist, int steps, DataType dataType) throws IOException {
        Files.createDirectories(dir);
        GanModelConfig config = GanModelConfig.dcgan(28, 28, 1);
        Network g = GanNetworks.generator(config, dataType);
        Network d = GanNetworks.discriminator(config, dataType);

        byte[] pixels = trainImages(mnist.resolve("train-images-idx3-ubyte.gz"));
        int count = pixels.length / (28 * 28);
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Random shuffle = new Random(32);
        for (int i = count - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<INDArray> reals = new ArrayList<>();
        List<INDArray> noises = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            int[] indexes = java.util.Arrays.copyOfRange(order, s * BATCH, (s + 1) * BATCH);
            reals.add(ImageTensors.batch(pixels, indexes, 28, 28, 1).castTo(dataType));
            noises.add(LatentNoise.sample(1000 + s, BATCH, config.latentSize, dataType));
        }
        writeNpy(dir.resolve("real.npy"), Nd4j.stack(0, reals.toArray(new INDArray[0])));
        writeNpy(dir.resolve("noise.npy"), Nd4j.stack(0, noises.toArray(new INDArray[0])));

        // forward passes before training, on copies (nothing of the trained networks is touched)
        Path forward = Files.createDirectories(dir.resolve("forward"));
        MultiLayerNetwork gc = g.copy().layerStack();
        MultiLayerNetwork dc = d.copy().layerStack();
        writeNpy(forward.resolve("g_eval.npy"), gc.output(noises.get(0), false));
        writeNpy(forward.resolve("g_train.npy"), gc.output(noises.get(0), true));
        writeNpy(forward.resolve("d_eval.npy"), dc.output(reals.get(0), false));
        writeNpy(forward.resolve("d_train.npy"), dc.output(reals.get(0), true));

        writeParams(dir.resolve("step0"), g, d, false);
        GanStep step = new GanStep(g, d, config);
        double[] losses = new double[steps * 4];
        for (int s = 1; s <= steps; s++) {
            StepStats stats = step.step(reals.get(s - 1), noises.get(s - 1));
            losses[(s - 1) * 4] = stats.dLoss();
            losses[(s - 1) * 4 + 1] = stats.gLoss();
            losses[(s - 1) * 4 + 2] = stats.dReal();
            losses[(s - 1) * 4 + 3] = stats.dFake();
            System.out.printf(
                    "%s step %2d: D loss %.6f G loss %.6f D(real) %.5f D(fake) %.5f%n",
                    dataType, s, stats.dLoss(), stats.gLoss(), stats.dReal(), stats.dFake());
            if (SAVED.contains(s)) {
                writeParams(dir.resolve("step" + s), g, d, s == 1);
            }
        }
        assertEquals(steps, g.iterations());
        writeNpy(dir.resolve("losses.npy"), Nd4j.create(losses, new long[] {steps, 4}, DataType.DOUBLE));

        StringBuilder manifest = new StringBuilder("{\"dtype\": \"" + dataType + "\", \"steps\": " + steps
                + ", \"batch\": " + BATCH + ", \"latent\": " + config.latentSize);
        for (var net : Map.of("g", g, "d", d).entrySet()) {
            manifest.append(", \"").append(net.getKey()).append("\": [");
            String sep = "";
            for (var p : net.getValue().layerStack().paramTable().entrySet()) {
                manifest.append(sep)
                        .append("{\"name\": \"")
                        .append(p.getKey())
                        .append("\", \"shape\": ")
                        .append(java.util.Arrays.toString(p.getValue().shape()))
                        .append('}');
                sep = ", ";
            }
            manifest.append(']');
        }
        Files.writeString(dir.resolve("manifest.json"), manifest.append("}\n").toString());
    }

    static void writeParams(Path dir, Network g, Network d, boolean adamState) throws IOException {
        Files.createDirectories(dir);
        for (var net : Map.of("g", g, "d", d).entrySet()) {
            MultiLayerNetwork m = net.getValue().layerStack();
            for (var p : m.paramTable().entrySet()) {
                writeNpy(dir.resolve(net.getKey() + "_" + p.getKey() + ".npy"), p.getValue());
            }
            writeNpy(dir.resolve(net.getKey() + "_flat.npy"), m.params());
            if (adamState) {
                for (var s : adamState(m).entrySet()) {
                    writeNpy(dir.resolve(net.getKey() + "_" + s.getKey() + ".npy"), s.getValue());
                }
            }
        }
    }

    /**
     * Adam's m and v for each parameter ("m_0_W", "v_0_W", ...), in the parameter's logical shape. Each updater
     * block's state view is [m of the block's parameters, v of the same], both in flat-parameter order.
     */
    static Map<String, INDArray> adamState(MultiLayerNetwork net) {
        Map<String, INDArray> state = new LinkedHashMap<>();
        for (UpdaterBlock block : ((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks()) {
            INDArray view = block.getUpdaterView();
            if (view == null || view.length() == 0) {
                continue; // NoOp (batch-norm running statistics)
            }
            long n = block.getParamOffsetEnd() - block.getParamOffsetStart();
            INDArray flat = view.reshape(view.length());
            for (var p : block.getLayersAndVariablesInBlock()) {
                long from = p.getParamOffsetStart() - block.getParamOffsetStart();
                long to = p.getParamOffsetEnd() - block.getParamOffsetStart();
                // the block's own view of a parameter is flat; the layer's has its shape and order (dense W: 'f')
                var layer = (org.deeplearning4j.nn.api.Layer) p.getLayer();
                INDArray param = layer.getParam(p.getParamName());
                String key = layer.getIndex() + "_" + p.getParamName();
                state.put(
                        "m_" + key,
                        flat.get(NDArrayIndex.interval(from, to)).dup().reshape(param.ordering(), param.shape()));
                state.put(
                        "v_" + key,
                        flat.get(NDArrayIndex.interval(n + from, n + to))
                                .dup()
                                .reshape(param.ordering(), param.shape()));
            }
        }
        return state;
    }

    static byte[] trainImages(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != 2051) {
                throw new IOException(file + " is no IDX image file");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] pixels = new byte[count * rows * cols];
            in.readFully(pixels);
            return pixels;
        }
    }

    /** A .npy file (format 1.0, little-endian float32 or float64, C order) of the array's logical values. */
    static void writeNpy(Path file, INDArray array) throws IOException {
        boolean dbl = array.dataType() == DataType.DOUBLE;
        INDArray c = array.dup('c');
        long[] shape = c.shape();
        StringBuilder dims = new StringBuilder();
        for (long s : shape) {
            dims.append(s).append(", ");
        }
        String header = "{'descr': '" + (dbl ? "<f8" : "<f4") + "', 'fortran_order': False, 'shape': ("
                + (shape.length == 1
                        ? dims.toString().replace(" ", "")
                        : dims.substring(0, Math.max(0, dims.length() - 2)))
                + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        INDArray flat = c.reshape(c.length());
        ByteBuffer body = ByteBuffer.allocate((int) c.length() * (dbl ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        if (dbl) {
            for (double v : flat.toDoubleVector()) {
                body.putDouble(v);
            }
        } else {
            for (float v : flat.toFloatVector()) {
                body.putFloat(v);
            }
        }
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file))) {
            os.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            byte[] h = header.getBytes(StandardCharsets.US_ASCII);
            os.write(h.length & 0xFF);
            os.write(h.length >> 8);
            os.write(h);
            os.write(body.array());
        }
    }
}
