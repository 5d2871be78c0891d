package io.sparkgan.model.state;

import io.sparkgan.model.perf.NativeFloats;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Network state as plain floats: segments (parameter and optimizer-state views) copied back to back into one
 * array, and back. One bulk copy per segment where the memory is addressable, not ND4J's element copies: every
 * worker captures and loads the whole state every round.
 */
final class FlatCopy {

    private FlatCopy() {}

    static long length(INDArray... segments) {
        long total = 0;
        for (INDArray segment : segments) {
            total += segment.length();
        }
        return total;
    }

    /** The segments' values, back to back. */
    static float[] copyOut(INDArray... segments) {
        float[] values = new float[Math.toIntExact(length(segments))];
        int offset = 0;
        for (INDArray segment : segments) {
            if (segment.isEmpty()) {
                continue;
            }
            int length = Math.toIntExact(segment.length());
            if (NativeFloats.addressable(segment)) {
                NativeFloats.of(segment).get(values, offset, length);
            } else {
                System.arraycopy(segment.castTo(DataType.FLOAT).toFloatVector(), 0, values, offset, length);
            }
            offset += length;
        }
        return values;
    }

    /** Writes {@code values} into the segments, in order (their total length must be the values'). */
    static void copyIn(float[] values, INDArray... segments) {
        long offset = 0;
        for (INDArray segment : segments) {
            int length = Math.toIntExact(segment.length());
            if (length > 0) {
                if (NativeFloats.addressable(segment)) {
                    NativeFloats.of(segment).put(values, (int) offset, length);
                } else {
                    float[] part = Arrays.copyOfRange(values, (int) offset, (int) offset + length);
                    segment.assign(Nd4j.createFromArray(part)
                            .castTo(segment.dataType())
                            .reshape(segment.shape()));
                }
            }
            offset += length;
        }
    }
}
