package io.sparkgan.data.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

    /** A version 1.0 .npy file with the header {@code dict} (as numpy pads it) and {@code dataBytes} zero bytes. */
    private static byte[] npy(String dict, int dataBytes) {
        StringBuilder header = new StringBuilder(dict);
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.writeBytes(new byte[] {(byte) header.length(), (byte) (header.length() >> 8)});
        out.writeBytes(header.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    private static IllegalArgumentException refused(byte[] file, String name) {
        return assertThrows(
                IllegalArgumentException.class, () -> NumpyArray.read(new ByteArrayInputStream(file), name));
    }

    @Test
    void aNegativeOrNonNumericDimensionIsRefusedNamingTheFile() {
        IllegalArgumentException negative =
                refused(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1600, 3), }", 0), "neg.npy");
        assertTrue(
                negative.getMessage().contains("neg.npy")
                        && negative.getMessage().contains("-1600"),
                negative.getMessage());
        IllegalArgumentException text =
                refused(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 0), "text.npy");
        assertTrue(text.getMessage().contains("text.npy") && text.getMessage().contains("(2, x)"), text.getMessage());
    }

    @Test
    void aShapeWhoseSizeOverflowsIsRefused() {
        // 2^62 x 4 values: the product wraps to 0, which a file with no values would match
        IllegalArgumentException e = refused(
                npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", 0), "big.npy");
        assertTrue(
                e.getMessage().contains("big.npy") && e.getMessage().contains("4611686018427387904"), e.getMessage());
    }

    @Test
    void aHeaderClaimingMoreValuesThanTheStreamHoldsIsRefusedWithoutAllocatingThem() {
        // 128 bytes claiming 3,500,000 x 100 floats (1.4 GB)
        byte[] file = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3500000, 100), }", 0);
        file = Arrays.copyOf(file, 128);
        long allocated = allocatedBytes();
        IllegalArgumentException e = refused(file, "claims.npy");
        long used = allocatedBytes() - allocated;
        assertTrue(e.getMessage().contains("claims.npy") && e.getMessage().contains("1400000000"), e.getMessage());
        assertTrue(used < 64 << 20, "reading a 128-byte file allocated " + used + " bytes");
    }

    @Test
    void aFileWhoseSizeDisagreesWithItsHeaderIsRefusedBeforeItsValuesAreRead() {
        byte[] whole = HexFormat.of().parseHex(INT32_2X3);
        byte[] claims =
                Arrays.copyOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3500000, 100), }", 0), 128);
        for (byte[] file : new byte[][] {claims, Arrays.copyOf(whole, whole.length + 4)}) {
            long allocated = allocatedBytes();
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> NumpyArray.read(new ByteArrayInputStream(file), "sized.npy", file.length));
            long used = allocatedBytes() - allocated;
            assertTrue(
                    e.getMessage().contains("sized.npy") && e.getMessage().contains("the file holds"), e.getMessage());
            assertTrue(used < 1 << 20, "checking a " + file.length + "-byte file allocated " + used + " bytes");
        }
        assertArrayEquals(
                new long[] {2, 3},
                assertDoesNotThrow(() -> NumpyArray.read(new ByteArrayInputStream(whole), "a.npy", whole.length))
                        .shape());
    }

    @Test
    void anOversizedOrNegativeHeaderLengthIsRefusedNamingTheFile() {
        // version 2.0 gives the header length in four bytes; numpy itself refuses headers over 10,000 bytes
        for (long length : new long[] {100_000, 0x8000_0000L}) {
            byte[] file = {
                (byte) 0x93,
                'N',
                'U',
                'M',
                'P',
                'Y',
                2,
                0,
                (byte) length,
                (byte) (length >> 8),
                (byte) (length >> 16),
                (byte) (length >> 24),
                '{',
                '}'
            };
            IllegalArgumentException e = refused(file, "header.npy");
            assertTrue(
                    e.getMessage().contains("header.npy") && e.getMessage().contains(Long.toString(length)),
                    e.getMessage());
        }
    }

    @Test
    void aTruncatedFileIsRefusedNamingTheFile() {
        byte[] whole = HexFormat.of().parseHex(INT32_2X3);
        for (int length : new int[] {5, 9, 100, whole.length - 1}) {
            IllegalArgumentException e = refused(Arrays.copyOf(whole, length), "cut.npy");
            assertTrue(e.getMessage().contains("cut.npy"), length + " bytes: " + e.getMessage());
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
