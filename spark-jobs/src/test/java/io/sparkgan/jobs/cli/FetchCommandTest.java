package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparkgan fetch}: a run's small files on HDFS mirrored into a local directory. */
class FetchCommandTest {

    @TempDir
    Path dir;

    private static final Set<String> SMALL = Set.of(
            "run.json",
            "metrics/train.jsonl",
            "eval/metrics.jsonl",
            "eval/metrics.png",
            "samples/000000002.png",
            "samples/000000004.png",
            "checkpoints/latest",
            "checkpoints/best",
            "encoder/checkpoints/latest",
            "scores/scores.json",
            "_manifest.json");

    private static final Set<String> LARGE = Set.of(
            "checkpoints/000000004/generator.zip",
            "checkpoints/000000004/_COMMITTED.json",
            "encoder/checkpoints/000000001/encoder.zip",
            "scores/part-00000.parquet",
            "scores/_SUCCESS",
            "_evaluator/evaluator.zip",
            "run.lock",
            ".run.json.tmp-1");

    @Test
    void copiesTheSmallFilesOnlyThenOnlyWhatChangedAndRemovesWhatIsGone() throws Exception {
        TestData.withMiniHdfs(dir.resolve("hdfs"), (uri, conf) -> {
            String run = uri + "/runs/r1";
            FileSystem fs = new org.apache.hadoop.fs.Path(run).getFileSystem(conf);
            for (String file : SMALL) {
                write(fs, run + "/" + file, "small " + file + "\n");
            }
            for (String file : LARGE) {
                write(fs, run + "/" + file, "large " + file + "\n");
            }
            Path mirror = dir.resolve("cache/r1");

            TestData.CliResult first = TestData.cli("fetch", "--from", run, "--to", mirror.toString());
            assertEquals(0, first.exitCode(), first.err());
            assertEquals(SMALL, files(mirror));
            assertEquals("small run.json\n", Files.readString(mirror.resolve("run.json")));
            assertTrue(first.out().contains("11 files, 11 copied, 0 removed"), first.out());

            // training goes on: a line more, a sample pruned; everything else is not copied again
            try (FSDataOutputStream out = fs.append(new org.apache.hadoop.fs.Path(run, "metrics/train.jsonl"))) {
                out.write("round 2\n".getBytes(StandardCharsets.UTF_8));
            }
            fs.delete(new org.apache.hadoop.fs.Path(run, "samples/000000002.png"), false);
            TestData.CliResult second = TestData.cli("fetch", "--from", run, "--to", mirror.toString());
            assertEquals(0, second.exitCode(), second.err());
            assertTrue(second.out().contains("10 files, 1 copied, 1 removed"), second.out());
            assertEquals(
                    "small metrics/train.jsonl\nround 2\n", Files.readString(mirror.resolve("metrics/train.jsonl")));
            assertTrue(!Files.exists(mirror.resolve("samples/000000002.png")));

            TestData.CliResult all = TestData.cli("fetch", "--from", run, "--to", mirror.toString(), "--checkpoints");
            assertEquals(0, all.exitCode(), all.err());
            assertTrue(files(mirror)
                    .containsAll(Set.of(
                            "checkpoints/000000004/generator.zip",
                            "checkpoints/000000004/_COMMITTED.json",
                            "encoder/checkpoints/000000001/encoder.zip")));
            assertTrue(!files(mirror).contains("scores/part-00000.parquet"));

            // a directory that holds something else, or another run's mirror, is refused and left as it was
            Path someones = dir.resolve("someones");
            Files.createDirectories(someones);
            Files.writeString(someones.resolve("notes.txt"), "mine");
            assertRefused(run, someones.toString(), "is not empty and was not made by fetch");
            assertEquals(Set.of("notes.txt"), files(someones));
            write(fs, uri + "/runs/r2/run.json", "{}");
            assertRefused(uri + "/runs/r2", mirror.toString(), "mirrors " + run);
            assertRefused(run, uri + "/elsewhere", "--to must be a local directory");
            assertRefused(uri + "/runs/missing", dir.resolve("m").toString(), "/runs/missing does not exist");
            assertRefused(run + "/run.json", dir.resolve("m").toString(), "/run.json is not a directory");
        });
    }

    private static void assertRefused(String from, String to, String message) {
        TestData.CliResult refused = TestData.cli("fetch", "--from", from, "--to", to);
        assertEquals(2, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains(message), refused.err());
    }

    private static void write(FileSystem fs, String file, String text) throws Exception {
        try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The mirror's files relative to it, without fetch's own marker. */
    private static Set<String> files(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString())
                    .filter(f -> !f.equals(FetchCommand.MARKER))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
