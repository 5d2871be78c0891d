package io.sparkgan.data.export;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * An array in numpy's own file format ({@code .npy}, version 1.0: a magic string, a Python dict header giving the
 * dtype, order and shape, then the values little-endian in C order), and {@code .npz} archives of several (a zip of
 * {@code name.npy} entries). It is how sparkgan hands data to Python without a Parquet reader: Debian's numpy
 * loads both ({@code numpy.load}). Only plain numeric dtypes, which is all sparkgan writes or reads.
 *
 * <p>Kept rather than ND4J's {@code Nd4j.writeAsNumpy} / {@code createFromNpyFile}: data-prep has no ND4J (the
 * export runs without DL4J's natives), ND4J writes no {@code .npz}, its reader parses files from outside in native
 * code, and on MNIST's 47 MB image array it was slower both ways (docs/PERFORMANCE.md, "NumpyArray against ND4J").
 */
public record NumpyArray(String dtype, long[] shape, byte[] data) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Map<String, Integer> ITEM_SIZE = Map.of("|u1", 1, "<i4", 4, "<i8", 8, "<f4", 4, "<f8", 8);
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
    private static final Pattern SIZE = Pattern.compile("\\d{1,18}");
    /** numpy's own limit ({@code max_header_size} of numpy.lib.format): a longer header is not one numpy wrote. */
    private static final int MAX_HEADER_LENGTH = 10_000;
    /** The values are read into one Java array. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    public NumpyArray {
        Integer size = ITEM_SIZE.get(dtype);
        if (size == null) {
            throw new IllegalArgumentException(
                    "unsupported numpy dtype " + dtype + "; supported: " + ITEM_SIZE.keySet());
        }
        long bytes = byteCount(dtype, shape);
        if (bytes != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs " + bytes
                    + " bytes, not " + data.length);
        }
    }

    public static NumpyArray uint8(byte[] values, long... shape) {
        return new NumpyArray("|u1", shape, values);
    }

    public static NumpyArray int32(int[] values, long... shape) {
        ByteBuffer buffer = buffer(4L * values.length);
        buffer.asIntBuffer().put(values);
        return new NumpyArray("<i4", shape, buffer.array());
    }

    public static NumpyArray int64(long[] values, long... shape) {
        ByteBuffer buffer = buffer(8L * values.length);
        buffer.asLongBuffer().put(values);
        return new NumpyArray("<i8", shape, buffer.array());
    }

    public static NumpyArray float32(float[] values, long... shape) {
        ByteBuffer buffer = buffer(4L * values.length);
        buffer.asFloatBuffer().put(values);
        return new NumpyArray("<f4", shape, buffer.array());
    }

    public static NumpyArray float64(double[] values, long... shape) {
        ByteBuffer buffer = buffer(8L * values.length);
        buffer.asDoubleBuffer().put(values);
        return new NumpyArray("<f8", shape, buffer.array());
    }

    /** The values as doubles, whatever the dtype. */
    public double[] toDoubles() {
        ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[data.length / ITEM_SIZE.get(dtype)];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case "|u1" -> in.get() & 0xFF;
                case "<i4" -> in.getInt();
                case "<i8" -> in.getLong();
                case "<f4" -> in.getFloat();
                default -> in.getDouble();
            };
        }
        return out;
    }

    public void write(OutputStream out) throws IOException {
        String shapeText = shape.length == 1
                ? "(" + shape[0] + ",)"
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
        StringBuilder header =
                new StringBuilder("{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shapeText + ", }");
        // the header ends with a newline and pads the preamble to a multiple of 64 bytes, as numpy writes it
        int preamble = MAGIC.length + 2 + 2;
        while ((preamble + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        out.write(MAGIC);
        out.write(new byte[] {1, 0, (byte) (header.length() & 0xFF), (byte) (header.length() >> 8)});
        out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(data);
    }

    /** Reads a {@code .npy} file or zip entry whose size is not known; see {@link #read(InputStream, String, long)}. */
    public static NumpyArray read(InputStream stream, String where) throws IOException {
        return read(stream, where, -1);
    }

    /**
     * Reads a {@code .npy} file of a supported dtype in C order; anything else is refused with what it holds, naming
     * {@code where}. The header is not trusted: the size it declares is checked against {@code fileSize} (the
     * file's size in bytes, -1 where not known) before anything is allocated, and the values are read in pieces, so
     * a short stream fails after reading what it holds rather than after allocating what its header claims.
     */
    public static NumpyArray read(InputStream stream, String where, long fileSize) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        Header header = header(in, where);
        long bytes;
        try {
            bytes = byteCount(header.dtype, header.shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        String values = Arrays.toString(header.shape) + " " + header.dtype + " values";
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(
                    where + ": its " + values + " take " + bytes + " bytes; sparkgan reads at most " + MAX_BYTES);
        }
        if (fileSize >= 0 && fileSize - header.length != bytes) {
            throw new IllegalArgumentException(where + ": its header declares " + values + " (" + bytes
                    + " bytes) but the file holds " + (fileSize - header.length)
                    + " bytes after the header (truncated or damaged)");
        }
        byte[] data = in.readNBytes((int) bytes);
        if (data.length != bytes) {
            throw new IllegalArgumentException(where + " ends after " + data.length + " of the " + bytes
                    + " bytes its header declares for " + values + " (truncated or damaged)");
        }
        return new NumpyArray(header.dtype, header.shape, data);
    }

    /** What a .npy header declares, and its length with the preamble. */
    private record Header(String dtype, long[] shape, long length) {}

    private static Header header(DataInputStream in, String where) throws IOException {
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(where + " is not a numpy .npy file (numpy.save writes one)");
            }
            int major = in.readUnsignedByte();
            in.readUnsignedByte();
            if (major < 1 || major > 3) {
                throw new IllegalArgumentException(
                        where + " is in .npy format version " + major + "; sparkgan reads versions 1 to 3");
            }
            long headerLength = major == 1
                    ? in.readUnsignedByte() | in.readUnsignedByte() << 8
                    : Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
            if (headerLength > MAX_HEADER_LENGTH) {
                throw new IllegalArgumentException(where + " declares a header of " + headerLength
                        + " bytes; numpy reads at most " + MAX_HEADER_LENGTH + " (damaged, or not a .npy file)");
            }
            byte[] headerBytes = new byte[(int) headerLength];
            in.readFully(headerBytes);
            String header = new String(headerBytes, StandardCharsets.US_ASCII);
            Matcher descr = DESCR.matcher(header);
            Matcher fortran = FORTRAN.matcher(header);
            Matcher shapeText = SHAPE.matcher(header);
            if (!descr.find() || !fortran.find() || !shapeText.find()) {
                throw new IllegalArgumentException(where + ": unreadable .npy header " + header.trim());
            }
            if (fortran.group(1).equals("True")) {
                throw new IllegalArgumentException(where + " is in Fortran order; save a C-order array");
            }
            String dtype = descr.group(1).equals("<u1") ? "|u1" : descr.group(1);
            if (!ITEM_SIZE.containsKey(dtype)) {
                throw new IllegalArgumentException(where + " holds " + dtype + " values; sparkgan reads "
                        + ITEM_SIZE.keySet() + " (e.g. numpy.float32, numpy.int64)");
            }
            long preamble = MAGIC.length + 2 + (major == 1 ? 2 : 4);
            return new Header(dtype, shape(shapeText.group(1), where), preamble + headerLength);
        } catch (EOFException e) {
            throw new IllegalArgumentException(where + " ends inside its .npy header (truncated or damaged)", e);
        }
    }

    private static long[] shape(String tuple, String where) {
        List<String> sizes = Arrays.stream(tuple.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        if (!sizes.stream().allMatch(SIZE.asMatchPredicate())) {
            throw new IllegalArgumentException(
                    where + ": its shape (" + tuple + ") is not a tuple of sizes (whole numbers >= 0)");
        }
        return sizes.stream().mapToLong(Long::parseLong).toArray();
    }

    /** An {@code .npz} archive of {@code arrays}, each as {@code name.npy}. */
    public static void writeArchive(OutputStream out, Map<String, NumpyArray> arrays) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, NumpyArray> entry : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey() + ".npy"));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                entry.getValue().write(bytes);
                bytes.writeTo(zip);
                zip.closeEntry();
            }
        }
    }

    /** The bytes the values of {@code shape} take; an error for a negative size or a total past a long. */
    private static long byteCount(String dtype, long[] shape) {
        long bytes = ITEM_SIZE.get(dtype);
        for (long size : shape) {
            if (size < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative size");
            }
            try {
                bytes = Math.multiplyExact(bytes, size);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " of " + dtype + " is too large to count", e);
            }
        }
        return bytes;
    }

    private static ByteBuffer buffer(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
