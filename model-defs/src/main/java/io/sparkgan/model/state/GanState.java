package io.sparkgan.model.state;

import io.sparkgan.model.nets.Network;
import io.sparkgan.model.training.GeneratorAverage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything that training changes in G and D, as one flat float vector: G's parameters (batch-norm moving
 * statistics included), G's optimizer state (Adam's moments), then the same for D; plus both networks' iteration
 * counts (Adam's bias correction depends on them); and, when it is on, the moving average of G's parameters
 * ({@link GeneratorAverage}). This is what the driver broadcasts, what workers send back and what gets averaged:
 * parameter averaging of a GAN must average the optimizer state too, or every round restarts Adam's moments.
 *
 * <p>A plain float array rather than an INDArray: it serialises compactly with any Spark serializer and does not
 * depend on the ND4J backend (CPU or CUDA) of the JVM that made it.
 */
public final class GanState {

    private final float[] values;
    private final Layout layout;
    private final int generatorIterations;
    private final int discriminatorIterations;

    /** Sizes of the five segments of the vector; {@code gAverage} is 0 without a moving average of G. */
    public record Layout(long gParams, long gUpdater, long dParams, long dUpdater, long gAverage) {
        public long total() {
            return gParams + gUpdater + dParams + dUpdater + gAverage;
        }

        public static Layout of(Network g, Network d, GeneratorAverage average) {
            return new Layout(
                    g.numParams(),
                    g.updaterState().length(),
                    d.numParams(),
                    d.updaterState().length(),
                    average == null ? 0 : average.values().length());
        }
    }

    public GanState(float[] values, Layout layout, int generatorIterations, int discriminatorIterations) {
        if (values.length != layout.total()) {
            throw new IllegalArgumentException("state has " + values.length + " values, layout says " + layout.total());
        }
        this.values = values;
        this.layout = layout;
        this.generatorIterations = generatorIterations;
        this.discriminatorIterations = discriminatorIterations;
    }

    public static GanState capture(Network g, Network d) {
        return capture(g, d, null);
    }

    /** The state of both networks and of G's moving average ({@code null} when there is none). */
    public static GanState capture(Network g, Network d, GeneratorAverage average) {
        Layout layout = Layout.of(g, d, average);
        float[] values = FlatCopy.copyOut(segments(g, d, average));
        return new GanState(values, layout, g.iterations(), d.iterations());
    }

    /** Writes this state into networks built from the same config. */
    public void applyTo(Network g, Network d) {
        applyTo(g, d, null);
    }

    /** Writes this state into networks built from the same config and into G's moving average. */
    public void applyTo(Network g, Network d, GeneratorAverage average) {
        Layout target = Layout.of(g, d, average);
        if (!target.equals(layout)) {
            throw new IllegalArgumentException("state layout " + layout + " does not fit networks with " + target);
        }
        FlatCopy.copyIn(values, segments(g, d, average));
        g.setIterations(generatorIterations);
        d.setIterations(discriminatorIterations);
    }

    public float[] values() {
        return values;
    }

    public Layout layout() {
        return layout;
    }

    public int generatorIterations() {
        return generatorIterations;
    }

    public int discriminatorIterations() {
        return discriminatorIterations;
    }

    /** Little-endian binary: 5 segment sizes, 2 iteration counts, the floats. */
    public byte[] toBytes() {
        ByteBuffer buffer =
                ByteBuffer.allocate(5 * 8 + 2 * 4 + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(layout.gParams)
                .putLong(layout.gUpdater)
                .putLong(layout.dParams)
                .putLong(layout.dUpdater)
                .putLong(layout.gAverage);
        buffer.putInt(generatorIterations).putInt(discriminatorIterations);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** The SHA-256 of {@link #toBytes}, in hex: which state a process loaded, for its record of a resume. */
    public String sha256() {
        return StateDigest.sha256(toBytes());
    }

    public static GanState fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Layout layout =
                new Layout(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong());
        int gIterations = buffer.getInt();
        int dIterations = buffer.getInt();
        if (buffer.remaining() != 4 * layout.total()) {
            throw new IllegalArgumentException(
                    "state bytes hold " + buffer.remaining() / 4 + " floats, layout says " + layout.total());
        }
        float[] values = new float[Math.toIntExact(layout.total())];
        buffer.asFloatBuffer().get(values);
        return new GanState(values, layout, gIterations, dIterations);
    }

    private static INDArray[] segments(Network g, Network d, GeneratorAverage average) {
        return new INDArray[] {
            g.params(),
            g.updaterState(),
            d.params(),
            d.updaterState(),
            average == null ? Nd4j.empty(DataType.FLOAT) : average.values()
        };
    }
}
