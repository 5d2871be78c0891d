package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written whole or not at all, on local disk through Hadoop's file system as the commands use it. */
class OutputFileTest {

    @TempDir
    Path dir;

    private final LocalFileSystem fs = fileSystem();

    private static LocalFileSystem fileSystem() {
        try {
            return FileSystem.getLocal(new Configuration());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(Path target, String text) throws IOException {
        OutputFile.write(
                fs,
                new org.apache.hadoop.fs.Path(target.toUri()),
                out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aFailureMidWriteKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path target = dir.resolve("out.npy");
        Files.writeString(target, "earlier work");
        IOException e = assertThrows(
                IOException.class,
                () -> OutputFile.write(fs, new org.apache.hadoop.fs.Path(target.toUri()), out -> {
                    out.write("half of it".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", e.getMessage());
        assertEquals("earlier work", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aLinkAtTheTargetIsReplacedNotWrittenThrough() throws IOException {
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "someone else's file");
        Path target = dir.resolve("out.npy");
        Files.createSymbolicLink(target, victim);
        write(target, "new");
        assertEquals("someone else's file", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(target));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target, victim), files());
    }

    @Test
    void aFileWrittenBeforeThroughHadoopReadsBackWithoutAStaleChecksum() throws IOException {
        Path target = dir.resolve("out.npy");
        org.apache.hadoop.fs.Path hadoopTarget = new org.apache.hadoop.fs.Path(target.toUri());
        try (var out = fs.create(hadoopTarget, true)) {
            out.write("written by Hadoop, with a .crc".getBytes(StandardCharsets.UTF_8));
        }
        write(target, "replaced");
        try (InputStream in = fs.open(hadoopTarget)) {
            assertEquals("replaced", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void missingDirectoriesAreCreatedAsHadoopWould() throws IOException {
        Path target = dir.resolve("a/b/out.npy");
        write(target, "new");
        assertEquals("new", Files.readString(target));
    }
}
