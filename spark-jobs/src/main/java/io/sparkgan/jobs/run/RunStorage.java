package io.sparkgan.jobs.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * File access under a directory on any Hadoop file system (a run's, an evaluator's), with the one write pattern
 * they need:
 * write to a hidden temporary name, then rename over the old file, so that readers never see half a file (nor, where
 * the store can replace atomically, no file).
 */
public final class RunStorage {

    private final FileSystem fs;
    private final Path root;

    public RunStorage(String uri, Configuration conf) {
        try {
            Path path = new Path(uri);
            FileSystem fileSystem = path.getFileSystem(conf);
            // no .crc side files on local disk: they go stale when people edit or copy run files by hand
            this.fs =
                    fileSystem instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fileSystem;
            this.root = fs.makeQualified(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open run directory " + uri + ": " + e.getMessage(), e);
        }
    }

    public FileSystem fs() {
        return fs;
    }

    public Path root() {
        return root;
    }

    public Path path(String relative) {
        return new Path(root, relative);
    }

    public boolean exists(String relative) throws IOException {
        return fs.exists(path(relative));
    }

    public String readString(String relative) throws IOException {
        try (InputStream in = fs.open(path(relative))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public void writeAtomically(String relative, byte[] bytes) throws IOException {
        Path target = path(relative);
        Path temporary = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        fs.mkdirs(target.getParent());
        try {
            try (FSDataOutputStream out = fs.create(temporary, false)) {
                out.write(bytes);
            }
            replace(temporary, target);
        } catch (IOException | RuntimeException e) {
            // a write that failed part way (a full disk, a lost store) leaves no temporary file behind either
            fs.delete(temporary, false);
            throw e;
        }
    }

    /**
     * Renames {@code from} over {@code to} so that readers see the old file or the new one, never none: an atomic
     * replace on local disk and HDFS. Stores that cannot replace atomically (S3A) fall back to delete, then rename.
     */
    private void replace(Path from, Path to) throws IOException {
        if (fs instanceof RawLocalFileSystem local) {
            Files.move(
                    local.pathToFile(from).toPath(),
                    local.pathToFile(to).toPath(),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        if ("hdfs".equals(fs.getScheme()) || "viewfs".equals(fs.getScheme())) {
            FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(from, to, Options.Rename.OVERWRITE);
            return;
        }
        if (fs.exists(to)) {
            fs.delete(to, false);
        }
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }

    public void writeAtomically(String relative, String text) throws IOException {
        writeAtomically(relative, text.getBytes(StandardCharsets.UTF_8));
    }
}
