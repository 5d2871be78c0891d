// NumpyArray (data-prep) against ND4J's own .npy code on the export's largest array, MNIST's 60000 x 28 x 28 x 1 uint8.
// Run (after mvn package -pl spark-jobs -am): cd bench/numpy && CP="../../spark-jobs/target/classes:../../data-prep/target/classes:$(cat ../../spark-jobs/target/launcher/classpath.txt)" && javac -cp "$CP" -d /tmp/npybench NpyBench.java && java -cp "$CP:/tmp/npybench" NpyBench
// Results: docs/PERFORMANCE.md, "NumpyArray against ND4J's .npy code".
import io.sparkgan.data.export.NumpyArray;
import java.io.*;
import java.nio.file.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class NpyBench {
    public static void main(String[] a) throws Exception {
        int n = 60000, px = 28 * 28;
        byte[] values = new byte[n * px];
        new java.util.Random(1).nextBytes(values);
        Path own = Path.of(System.getProperty("java.io.tmpdir"), "own.npy"), nd = Path.of(System.getProperty("java.io.tmpdir"), "nd4j.npy");
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(own))) {
                NumpyArray.uint8(values, n, 28, 28, 1).write(out);
            }
            long t1 = System.nanoTime();
            NumpyArray back;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(own))) {
                back = NumpyArray.read(in, own.toString(), Files.size(own));
            }
            long t2 = System.nanoTime();
            INDArray array = Nd4j.createFromArray(values).castTo(DataType.UINT8).reshape(n, 28, 28, 1);
            long t3 = System.nanoTime();
            Nd4j.writeAsNumpy(array, nd.toFile());
            long t4 = System.nanoTime();
            INDArray ndBack = Nd4j.createFromNpyFile(nd.toFile());
            byte[] ndValues = ndBack.data().asBytes();
            long t5 = System.nanoTime();
            System.out.printf("own write %.0f ms read %.0f ms | nd4j to INDArray %.0f ms write %.0f ms read+to bytes %.0f ms; sizes %d %d; same %b %s%n",
                (t1-t0)/1e6, (t2-t1)/1e6, (t3-t2)/1e6, (t4-t3)/1e6, (t5-t4)/1e6, Files.size(own), Files.size(nd),
                java.util.Arrays.equals(back.data(), values), ndBack.dataType());
        }
    }
}
