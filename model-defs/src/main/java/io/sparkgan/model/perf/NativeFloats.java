package io.sparkgan.model.perf;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Java views of ND4J float arrays on the CPU backend, where an array's memory is directly addressable: for bulk
 * copies and single passes that ND4J's own ops do slowly (copies through temporary arrays, strided reductions).
 */
public final class NativeFloats {

    private NativeFloats() {}

    /** A float array in C order that owns its buffer, on the CPU backend (not on CUDA, where memory is on the GPU). */
    public static boolean addressable(INDArray array) {
        return Nd4j.getEnvironment().isCPU()
                && !array.isView()
                && array.dataType() == DataType.FLOAT
                && array.ordering() == 'c';
    }

    /** The array's elements in C order; only for {@link #addressable} arrays. */
    public static FloatBuffer of(INDArray array) {
        return array.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
