package io.sparkgan.model.state;

import io.sparkgan.model.nets.Network;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Everything training changes in one network, as plain floats: its parameters, then its optimizer state, and its
 * iteration count. What a single-network trainer (the f-AnoGAN encoder) broadcasts, averages and checkpoints;
 * {@link GanState} is the same for a GAN's pair.
 */
public record NetworkState(float[] values, long parameters, int iterations) {

    public static NetworkState capture(Network network) {
        return new NetworkState(
                FlatCopy.copyOut(network.params(), network.updaterState()), network.numParams(), network.iterations());
    }

    /** Writes this state into a network of the same configuration. */
    public void applyTo(Network network) {
        long expected = FlatCopy.length(network.params(), network.updaterState());
        if (expected != values.length || network.numParams() != parameters) {
            throw new IllegalArgumentException("a state of " + parameters + " parameters and " + values.length
                    + " values does not fit a network of " + network.numParams() + " parameters and " + expected);
        }
        FlatCopy.copyIn(values, network.params(), network.updaterState());
        network.setIterations(iterations);
    }

    /** Little-endian binary: the parameter count, the iteration count, the floats. */
    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 4 + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(parameters).putInt(iterations);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** The SHA-256 of {@link #toBytes}, in hex: which state a process loaded, for its record of a resume. */
    public String sha256() {
        return StateDigest.sha256(toBytes());
    }

    public static NetworkState fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long parameters = buffer.getLong();
        int iterations = buffer.getInt();
        float[] values = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(values);
        return new NetworkState(values, parameters, iterations);
    }
}
