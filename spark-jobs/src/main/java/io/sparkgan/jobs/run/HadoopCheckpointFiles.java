package io.sparkgan.jobs.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.state.CheckpointFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files of a checkpoint directory on any Hadoop file system. With a listing, each file written is entered in
 * it with its size and SHA-256 as it is closed: what the commit marker of {@link CheckpointStore} holds.
 */
public final class HadoopCheckpointFiles implements CheckpointFiles {

    private final FileSystem fs;
    private final Path dir;
    private final ObjectNode listing;

    public HadoopCheckpointFiles(FileSystem fs, Path dir, ObjectNode listing) {
        this.fs = fs;
        this.dir = dir;
        this.listing = listing;
    }

    @Override
    public OutputStream create(String name) throws IOException {
        OutputStream out = fs.create(new Path(dir, name), true);
        if (listing == null) {
            return out;
        }
        MessageDigest digest = sha256();
        return new DigestOutputStream(out, digest) {
            private long size;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                super.write(b);
                size++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                super.write(b, off, len);
                size += len;
            }

            @Override
            public void close() throws IOException {
                // writers such as Jackson close the stream themselves, and try-with-resources closes it again: a
                // second digest() would record the hash of nothing
                if (closed) {
                    return;
                }
                closed = true;
                super.close();
                listing.putObject(name)
                        .put("size", size)
                        .put("sha256", HexFormat.of().formatHex(digest.digest()));
            }
        };
    }

    @Override
    public InputStream open(String name) throws IOException {
        return fs.open(new Path(dir, name));
    }

    @Override
    public boolean exists(String name) throws IOException {
        return fs.exists(new Path(dir, name));
    }

    @Override
    public String location(String name) {
        return new Path(dir, name).toString();
    }

    /** The SHA-256 of what {@code in} holds, in hex. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
