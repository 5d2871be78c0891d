package io.sparkgan.jobs.cli;

import io.sparkgan.data.SparkOptions;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.run.CheckpointStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sparkgan fetch}: the small files of a run, dataset or command output on any Hadoop file system (HDFS, S3)
 * mirrored into a local directory, so that Python, which cannot reach that storage, reads them as local files (the
 * notebooks). Starts no Spark: Hadoop's file systems only.
 */
@Command(
        name = "fetch",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Copies the small files of a run, a dataset or a command's output to a local directory.",
            "",
            "For the notebooks, whose Python cannot read HDFS or S3: the text and pictures (" + FetchCommand.KINDS
                    + ", and files without an extension such as checkpoints/best), never Parquet data, models or"
                    + " checkpoint states unless --checkpoints. The local directory is a mirror: a file whose size and"
                    + " modification time match is not copied again, and a file gone from --from is removed here."
                    + " Each file is written under a temporary name and then renamed. Storage settings come with"
                    + " --conf spark.hadoop.*=...",
            "",
            "Exit codes: 0 done, 2 bad options or input."
        })
public final class FetchCommand implements Callable<Integer> {

    /** What counts as a small file: the text and pictures that runs, datasets and commands write. */
    static final String KINDS = ".json .jsonl .png .html .txt .csv .yaml";

    /** Written into every mirror: the directory may be updated (and pruned) only from the same source. */
    static final String MARKER = ".sparkgan-fetch";

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--from", required = true, paramLabel = "URI", description = "the directory to copy from")
    String from;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "DIR",
            description = "the local directory to mirror it into (made if missing; must be empty or an earlier"
                    + " fetch of the same --from)")
    String to;

    @Option(
            names = "--checkpoints",
            description = "also copy every file of the checkpoint directories (G and D states: large)")
    boolean checkpoints;

    @Override
    public Integer call() {
        try {
            Configuration conf = SparkSessions.hadoopConfiguration(sparkOptions);
            Path source = new Path(from);
            FileSystem fs = source.getFileSystem(conf);
            if (!fs.exists(source)) {
                throw new IllegalArgumentException("--from " + from + " does not exist");
            }
            if (!fs.getFileStatus(source).isDirectory()) {
                throw new IllegalArgumentException("--from " + from + " is not a directory");
            }
            source = fs.makeQualified(source);
            java.nio.file.Path target = localDirectory(source.toString());
            Set<java.nio.file.Path> kept = new HashSet<>();
            kept.add(target.resolve(MARKER));
            int[] copied = {0};
            copy(fs, source, target, false, kept, copied);
            int removed = prune(target, kept);
            System.out.printf(
                    "fetched %s to %s: %d files, %d copied, %d removed%n",
                    source, target, kept.size() - 1, copied[0], removed);
            return 0;
        } catch (Exception e) {
            return CommandErrors.report(e, sparkOptions.verbose);
        }
    }

    /** --to as a local directory, checked to be empty or an earlier mirror of {@code source}, and marked as one. */
    private java.nio.file.Path localDirectory(String source) throws IOException {
        if (to.contains("://") && !to.startsWith("file:")) {
            throw new IllegalArgumentException("--to must be a local directory, got " + to);
        }
        java.nio.file.Path target = java.nio.file.Path.of(
                        to.startsWith("file:") ? new Path(to).toUri().getPath() : to)
                .toAbsolutePath();
        java.nio.file.Path marker = target.resolve(MARKER);
        if (Files.exists(marker)) {
            String recorded = Files.readString(marker).trim();
            if (!recorded.equals(source)) {
                throw new IllegalArgumentException(
                        "--to " + to + " mirrors " + recorded + ", not " + source + ": choose another directory");
            }
            return target;
        }
        if (Files.isDirectory(target)) {
            try (Stream<java.nio.file.Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("--to " + to + " is not empty and was not made by fetch:"
                            + " choose an empty or missing directory (its files would be replaced or removed)");
                }
            }
        } else if (Files.exists(target)) {
            throw new IllegalArgumentException("--to " + to + " is a file, not a directory");
        }
        Files.createDirectories(target);
        Files.writeString(marker, source + "\n");
        return target;
    }

    private void copy(
            FileSystem fs,
            Path dir,
            java.nio.file.Path local,
            boolean inCheckpoint,
            Set<java.nio.file.Path> kept,
            int[] copied)
            throws IOException {
        boolean checkpointDir = dir.getName().equals(CheckpointStore.DIR);
        for (FileStatus entry : fs.listStatus(dir)) {
            String name = entry.getPath().getName();
            if (name.startsWith(".")) {
                continue; // temporary files of writes in progress, checksums
            }
            java.nio.file.Path target = local.resolve(name);
            if (entry.isDirectory()) {
                // a checkpoint directory's subdirectories are the states; its own files are markers (best, latest)
                if (!checkpointDir || checkpoints) {
                    copy(fs, entry.getPath(), target, inCheckpoint || checkpointDir, kept, copied);
                }
            } else if (inCheckpoint || small(name)) {
                kept.add(target);
                if (update(fs, entry, target)) {
                    copied[0]++;
                }
            }
        }
    }

    private static boolean small(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? !name.equals("_SUCCESS") : List.of(KINDS.split(" ")).contains(name.substring(dot));
    }

    /** Copies one file unless the local copy has its size and modification time; true when it copied. */
    private static boolean update(FileSystem fs, FileStatus file, java.nio.file.Path target) throws IOException {
        if (Files.isRegularFile(target)
                && Files.size(target) == file.getLen()
                && Files.getLastModifiedTime(target).toMillis() == file.getModificationTime()) {
            return false;
        }
        Files.createDirectories(target.getParent());
        java.nio.file.Path temporary = target.resolveSibling("." + target.getFileName() + ".fetching");
        try (InputStream in = fs.open(file.getPath())) {
            Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(temporary, FileTime.fromMillis(file.getModificationTime()));
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return true;
    }

    /** Removes the mirror's files that the source no longer has (pruned checkpoints, a rewritten run). */
    private static int prune(java.nio.file.Path target, Set<java.nio.file.Path> kept) throws IOException {
        List<java.nio.file.Path> gone;
        try (Stream<java.nio.file.Path> files = Files.walk(target)) {
            gone = files.filter(Files::isRegularFile)
                    .filter(f -> !kept.contains(f))
                    .toList();
        }
        for (java.nio.file.Path file : gone) {
            Files.delete(file);
        }
        return gone.size();
    }
}
