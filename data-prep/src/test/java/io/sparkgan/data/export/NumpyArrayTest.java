package io.sparkgan.data.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/** numpy's .npy and .npz formats, against files numpy 1.24 itself wrote. */
class NumpyArrayTest {

    /** numpy.save of numpy.array([[1, 2, 3], [-4, 5, 6]], dtype=numpy.int32). */
    private static final String INT32_2X3 =
            "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73652c"
                    + "20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020"
                    + "2020202020202020202020202020202020202020202020202020200a010000000200000003000000fcffffff050000000600"
                    + "0000";

    /** numpy.save of numpy.array([0.5, -1.0]) (float64, one dimension: a shape of "(2,)"). */
    private static final String FLOAT64_2 =
            "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73652c"
                    + "20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020202020202020"
                    + "2020202020202020202020202020202020202020202020202020200a000000000000e03f000000000000f0bf";

    private static byte[] bytes(NumpyArray array) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        array.write(out);
        return out.toByteArray();
    }

    @Test
    void writesWhatNumpyWritesByteForByte() throws IOException {
        assertEquals(INT32_2X3, HexFormat.of().formatHex(bytes(NumpyArray.int32(new int[] {1, 2, 3, -4, 5, 6}, 2, 3))));
        assertEquals(FLOAT64_2, HexFormat.of().formatHex(bytes(NumpyArray.float64(new double[] {0.5, -1}, 2))));
    }

    @Test
    void readsWhatNumpyWrote() throws IOException {
        NumpyArray read =
                NumpyArray.read(new ByteArrayInputStream(HexFormat.of().parseHex(INT32_2X3)), "a.npy");
        assertEquals("<i4", read.dtype());
        assertArrayEquals(new long[] {2, 3}, read.shape());
        assertArrayEquals(new double[] {1, 2, 3, -4, 5, 6}, read.toDoubles());
        NumpyArray vector =
                NumpyArray.read(new ByteArrayInputStream(HexFormat.of().parseHex(FLOAT64_2)), "b.npy");
        assertArrayEquals(new long[] {2}, vector.shape());
        assertArrayEquals(new double[] {0.5, -1}, vector.toDoubles());
    }

    @Test
    void roundTripsEveryDtypeItWrites() throws IOException {
        for (NumpyArray array : new NumpyArray[] {
            NumpyArray.uint8(new byte[] {0, 1, (byte) 255, 7}, 2, 2, 1),
            NumpyArray.int64(new long[] {Long.MIN_VALUE, 3}, 2),
            NumpyArray.float64(new double[] {Double.NaN, 1e300, -0.0}, 3)
        }) {
            byte[] written = bytes(array);
            assertEquals(0, (written.length - array.data().length) % 64, "the preamble is 64-byte aligned");
            NumpyArray back = NumpyArray.read(new ByteArrayInputStream(written), "x.npy");
            assertEquals(array.dtype(), back.dtype());
            assertArrayEquals(array.shape(), back.shape());
            assertArrayEquals(array.data(), back.data());
        }
        assertEquals(255.0, NumpyArray.uint8(new byte[] {(byte) 255}, 1).toDoubles()[0]);
    }

    @Test
    void anArchiveHoldsOneNpyEntryPerArray() throws IOException {
        Map<String, NumpyArray> arrays = new LinkedHashMap<>();
        arrays.put("labels", NumpyArray.int32(new int[] {4, -1}, 2));
        arrays.put("ids", NumpyArray.int64(new long[] {10, 11}, 2));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NumpyArray.writeArchive(out, arrays);
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            assertEquals("labels.npy", zip.getNextEntry().getName());
            assertArrayEquals(
                    new double[] {4, -1}, NumpyArray.read(zip, "labels.npy").toDoubles());
            assertEquals("ids.npy", zip.getNextEntry().getName());
            assertArrayEquals(
                    new double[] {10, 11}, NumpyArray.read(zip, "ids.npy").toDoubles());
        }
    }

    @Test
    void refusesWhatItCannotReadNamingTheFile() {
        String fortran = new String(HexFormat.of().parseHex(INT32_2X3), java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("'fortran_order': False", "'fortran_order': True ");
        IllegalArgumentException order = assertThrows(
                IllegalArgumentException.class,
                () -> NumpyArray.read(
                        new ByteArrayInputStream(fortran.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                        "z.npy"));
        assertTrue(order.getMessage().contains("z.npy is in Fortran order"), order.getMessage());
        IllegalArgumentException notNumpy = assertThrows(
                IllegalArgumentException.class,
                () -> NumpyArray.read(new ByteArrayInputStream("PK\3\4 zip, not npy".getBytes()), "w.npz"));
        assertTrue(notNumpy.getMessage().contains("w.npz is not a numpy .npy file"), notNumpy.getMessage());
        String complex = new String(HexFormat.of().parseHex(FLOAT64_2), java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace("'<f8'", "'<c8'");
        IllegalArgumentException dtype = assertThrows(
                IllegalArgumentException.class,
                () -> NumpyArray.read(
                        new ByteArrayInputStream(complex.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                        "c.npy"));
        assertTrue(dtype.getMessage().contains("c.npy holds <c8 values"), dtype.getMessage());
    }
}
