package io.sparkgan.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * One file written completely or not at all: into a temporary file under a random name in the target's directory,
 * then moved over the target; a failure on the way deletes the temporary. On local disk the temporary is created
 * exclusively ({@code O_CREAT|O_EXCL}, which never follows a link), so nothing placed there beforehand is written
 * through, and the move is an atomic rename that replaces a link at the target instead of writing into what it
 * points to. On other file systems (HDFS, object stores) the old file is deleted just before the rename.
 */
public final class OutputFile {

    /** Refuses {@code target} ({@code --output}) when it exists and {@code overwrite} was not given. */
    public static void refuseExisting(FileSystem fs, Path target, String output, boolean overwrite) throws IOException {
        if (fs.exists(target) && !overwrite) {
            throw new IllegalArgumentException(output + " exists; pass --overwrite to replace it");
        }
    }

    /** Writes the file's bytes; may fail part way. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private OutputFile() {}

    public static void write(FileSystem fs, Path target, Content content) throws IOException {
        FileSystem raw = fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
        if (raw instanceof RawLocalFileSystem local) {
            write(local.pathToFile(target).toPath(), content);
            if (fs instanceof ChecksumFileSystem checksummed) {
                // a .crc side file from an earlier write through Hadoop would no longer match
                fs.delete(checksummed.getChecksumFile(target), false);
            }
        } else {
            writeElsewhere(fs, target, content);
        }
    }

    /** As {@link #write(FileSystem, Path, Content)}, for a file on local disk. */
    public static void write(java.nio.file.Path target, Content content) throws IOException {
        java.nio.file.Path temporary = target.toAbsolutePath()
                .resolveSibling(temporaryName(target.getFileName().toString()));
        Files.createDirectories(temporary.getParent()); // as Hadoop's create would
        try {
            try (OutputStream out =
                    Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static void writeElsewhere(FileSystem fs, Path target, Content content) throws IOException {
        Path temporary = new Path(target.getParent(), temporaryName(target.getName()));
        try {
            try (OutputStream out = fs.create(temporary, false)) {
                content.writeTo(out);
            }
            if (fs.exists(target)) {
                fs.delete(target, false);
            }
            if (!fs.rename(temporary, target)) {
                throw new IOException("could not rename " + temporary + " to " + target);
            }
        } catch (IOException | RuntimeException | Error e) {
            try {
                fs.delete(temporary, false);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Hidden, and unguessable so that no one can prepare a file or link under it. */
    private static String temporaryName(String name) {
        return "." + name + "." + UUID.randomUUID() + ".tmp";
    }
}
