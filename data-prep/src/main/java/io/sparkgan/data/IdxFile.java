package io.sparkgan.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An IDX file, the format MNIST ships in: a big-endian int32 magic number (0x08 for unsigned bytes in the
 * third byte, the dimension count in the fourth), one int32 per dimension, then the data. Gzipped files are
 * recognised by their magic bytes, not their name.
 */
final class IdxFile {

    static final int IMAGES_MAGIC = 2051;
    static final int LABELS_MAGIC = 2049;

    private final FileSystem fs;
    private final Path path;
    private final int[] dims;

    private IdxFile(FileSystem fs, Path path, int[] dims) {
        this.fs = fs;
        this.path = path;
        this.dims = dims;
    }

    /** Reads and checks the header. */
    static IdxFile open(FileSystem fs, Path path, int expectedMagic) {
        try (DataInputStream in = new DataInputStream(open(fs, path))) {
            int magic = in.readInt();
            if (magic != expectedMagic) {
                String kind = expectedMagic == IMAGES_MAGIC ? "images" : "labels";
                String hint = magic == IMAGES_MAGIC
                        ? " (it is an images file)"
                        : magic == LABELS_MAGIC ? " (it is a labels file)" : "";
                throw new DatasetException(path + " is not an IDX " + kind + " file: magic number " + magic
                        + ", expected " + expectedMagic + hint);
            }
            int[] dims = new int[magic & 0xff];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0) {
                    throw new DatasetException(path + " declares a negative size " + dims[i] + " in its header");
                }
            }
            return new IdxFile(fs, path, dims);
        } catch (EOFException e) {
            throw new DatasetException(path + " is too short to hold an IDX header", e);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + path + ": " + e, e);
        }
    }

    /** The sizes from the header: the first is the record count, the others give each record's shape. */
    int[] dims() {
        return dims.clone();
    }

    int count() {
        return dims[0];
    }

    /** Bytes per record: the product of the dimensions after the first. */
    int recordSize() {
        return Arrays.stream(dims, 1, dims.length).reduce(1, (a, b) -> a * b);
    }

    private int headerSize() {
        return 4 + 4 * dims.length;
    }

    /**
     * The first {@code keep} records' bytes. Reads the whole file, so that a file shorter or longer than its
     * header says is rejected even when only some records are kept.
     */
    byte[] readRecords(int keep) {
        int recordSize = recordSize();
        byte[] data = new byte[Math.multiplyExact(keep, recordSize)];
        try (InputStream in = open(fs, path)) {
            in.skipNBytes(headerSize());
            int read = readUpTo(in, data);
            long rest = read < data.length ? 0 : countRest(in);
            long present = read + rest;
            long expected = (long) count() * recordSize;
            if (present < expected) {
                throw new DatasetException(path + " is truncated: its header declares " + count() + " records of "
                        + recordSize + " bytes, but the data ends in record index " + present / recordSize
                        + " (the first missing or incomplete record)");
            }
            if (present > expected) {
                throw new DatasetException(path + " has " + (present - expected) + " bytes after the " + count()
                        + " records its header declares");
            }
            return data;
        } catch (IOException e) {
            throw new DatasetException("cannot read " + path + ": " + e, e);
        }
    }

    private static InputStream open(FileSystem fs, Path path) throws IOException {
        BufferedInputStream in = new BufferedInputStream(fs.open(path));
        in.mark(2);
        boolean gzipped = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gzipped ? new GZIPInputStream(in) : in;
    }

    /** Fills {@code data} as far as the stream goes; a gzip stream cut short counts as the end. */
    private static int readUpTo(InputStream in, byte[] data) throws IOException {
        int total = 0;
        try {
            for (int n; total < data.length && (n = in.read(data, total, data.length - total)) > 0; ) {
                total += n;
            }
        } catch (EOFException e) {
            // GZIPInputStream reports a truncated file this way; the bytes read so far are good.
        }
        return total;
    }

    private static long countRest(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        int n;
        do {
            n = readUpTo(in, buffer);
            total += n;
        } while (n == buffer.length);
        return total;
    }
}
