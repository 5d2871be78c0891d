package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.TestData;
import io.sparkgan.model.Json;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.util.CrashReportingUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** What a user sees of the command line: every command's help, the version, and one-line errors. */
class CliHelpAndErrorsTest {

    private static final int COLUMNS = 80;

    @TempDir
    Path dir;

    /** Every subcommand of sparkgan but picocli's own help. */
    static Stream<String> commands() {
        return new CommandLine(new SparkGanCli())
                .getSubcommands().keySet().stream().filter(name -> !name.equals("help"));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandPrintsItsHelpAndExitsZero(String command) {
        TestData.CliResult help = TestData.cli(command, "--help");

        assertEquals(0, help.exitCode(), command + " --help: " + help.err());
        assertTrue(help.out().startsWith("Usage: sparkgan " + command), help.out());
        assertEquals("", help.err().strip(), command + " --help printed errors");
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpFitsEightyColumnsAndWrapsParagraphsWhole(String command) {
        List<String> lines = TestData.cli(command, "--help").out().lines().toList();
        for (String line : lines) {
            assertTrue(line.length() <= COLUMNS, command + " --help has a line over 80 columns: " + line);
        }
        // a paragraph picocli wrapped fills each line but its last (to 79 columns: it keeps the last one free); a
        // hand-made break leaves a short line mid-sentence
        List<String> description = description(lines);
        for (int i = 0; i + 1 < description.size(); i++) {
            String line = description.get(i);
            String next = description.get(i + 1);
            if (line.isBlank() || next.isBlank() || line.endsWith(".") || line.endsWith(":")) {
                continue;
            }
            String nextWord = next.split(" ", 2)[0];
            assertTrue(
                    line.length() + 1 + nextWord.length() > COLUMNS - 1,
                    command + " --help breaks a sentence by hand after '" + line + "' (then '" + next + "')");
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpNamesTheExitCodes(String command) {
        String text = TestData.cli(command, "--help").out().replaceAll("\\s+", " ");

        assertTrue(text.contains("Exit codes: 0 "), command + " --help does not name its exit codes: " + text);
        assertTrue(text.contains(" 2 bad options"), command + " --help does not name exit code 2: " + text);
    }

    @Test
    void noCommandLeavesDl4jsMemoryCrashDumpsInTheWorkingDirectory() {
        CrashReportingUtil.crashDumpsEnabled(true);
        assertEquals(0, TestData.cli("--version").exitCode());
        assertFalse(CrashReportingUtil.isCrashDumpsEnabled());
    }

    @Test
    void theCommandListSummarisesEachCommandInAWholeSentence() {
        TestData.CliResult help = TestData.cli("--help");
        assertEquals(0, help.exitCode());
        List<String> lines = help.out().lines().toList();
        List<String> summaries = new ArrayList<>();
        Pattern entry = Pattern.compile("^  (\\S+)\\s+(.*)$");
        for (String line : lines.subList(lines.indexOf("Commands:") + 1, lines.size())) {
            Matcher matcher = entry.matcher(line);
            if (matcher.matches()) {
                summaries.add(matcher.group(1) + ": " + matcher.group(2));
            } else {
                int last = summaries.size() - 1;
                summaries.set(last, summaries.get(last) + " " + line.strip());
            }
        }
        assertEquals(commands().count() + 1, summaries.size(), summaries.toString());
        for (String summary : summaries) {
            assertTrue(summary.endsWith("."), "summary does not end a sentence: " + summary);
            assertFalse(
                    summary.matches(".*(\\b(and|or|when|only when|but|that|the|a|of)|[:,;])\\.?$"),
                    "summary stops mid-sentence: " + summary);
        }
    }

    @Test
    void retrainListsItsOwnOptionsFirstAndNotTheTrainOptionsItRefuses() {
        String help = TestData.cli("retrain", "--help").out();

        int registry = help.indexOf("--registry=URI  ");
        assertTrue(registry > 0, help);
        assertTrue(registry < help.indexOf("--data=URI  "), "train's options come before retrain's: " + help);
        assertTrue(registry < help.indexOf("--help  "), "-h/--help comes before retrain's options: " + help);
        for (String refused :
                List.of("--run-dir", "--resume", "--overwrite", "--change-workers", "--restart-unverified")) {
            assertFalse(
                    help.contains("[" + refused)
                            || Pattern.compile("(?m)^ +" + refused + "\\b")
                                    .matcher(help)
                                    .find(),
                    "lists " + refused + ": " + help);
        }
    }

    @Test
    void retrainRefusesTheTrainOptionsItsHelpLeavesOut() {
        for (List<String> refused : List.of(
                List.of("--run-dir", "r"),
                List.of("--resume"),
                List.of("--overwrite"),
                List.of("--change-workers"),
                List.of("--restart-unverified"))) {
            List<String> args = new ArrayList<>(
                    List.of("retrain", "--registry", dir.resolve("registry").toString(), "--data", "d"));
            args.addAll(refused);

            TestData.CliResult run = TestData.cli(args.toArray(String[]::new));

            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.err().startsWith("error: retrain chooses its runs inside --registry"), run.err());
            assertTrue(run.err().contains(refused.get(0)), run.err());
        }
    }

    @Test
    void versionIsTheBuildsVersion() throws IOException {
        TestData.CliResult version = TestData.cli("--version");

        assertEquals(0, version.exitCode());
        assertEquals("sparkgan " + pomVersion(), version.out().strip());
    }

    @Test
    void aNewRunRecordsTheBuildsVersionInRunJson() throws IOException {
        Path runDir = dir.resolve("run");
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                TestData.mnist(64),
                "--run-dir",
                runDir.toString(),
                "--kimg",
                "0.032",
                "--evaluate-every",
                "0"));
        args.addAll(TestData.TINY_RUN);
        TestData.CliResult train = TestData.cli(args.toArray(String[]::new));

        assertEquals(0, train.exitCode(), train.err());
        JsonNode run = Json.MAPPER.readTree(runDir.resolve("run.json").toFile());
        assertEquals(pomVersion(), run.path("versions").path("sparkgan").asText(), run.toString());
    }

    @Test
    void anUnknownOptionIsOneErrorLineAndAHint() {
        TestData.CliResult run = TestData.cli("sample", "--latentz", "z.npy");

        assertEquals(2, run.exitCode());
        List<String> lines = run.err().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(2, lines.size(), run.err());
        assertTrue(lines.get(0).startsWith("error: Unknown option"), run.err());
        assertTrue(lines.get(0).contains("--latentz"), run.err());
        assertTrue(lines.get(1).contains("sparkgan sample --help"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void aBadNumberOrAMissingValueIsOneErrorLineAndAHint() {
        for (List<String> args : List.of(
                List.of("train", "--data", "d", "--workers", "two"),
                List.of("train", "--run-dir", "r", "--data"),
                List.of("export", "--data", "d", "--output", "o.npz", "--limit", "1e3"))) {
            TestData.CliResult run = TestData.cli(args.toArray(String[]::new));

            assertEquals(2, run.exitCode(), run.err());
            List<String> lines =
                    run.err().lines().filter(line -> !line.isBlank()).toList();
            assertEquals(2, lines.size(), run.err());
            String option = args.get(args.get(args.size() - 1).startsWith("--") ? args.size() - 1 : args.size() - 2);
            assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(option), run.err());
            assertTrue(lines.get(1).contains("sparkgan " + args.get(0) + " --help"), run.err());
        }
    }

    @Test
    void aMalformedConfigIsNamedWithTheLineAndColumnInOneLine() throws IOException {
        Map<String, String> files = Map.of(
                "wrong-type.yaml", "batchPerWorker: 8\nmodel:\n  baseWidth: [4\n  latentSize: 8\n",
                "unterminated.yaml", "batchPerWorker: 8\nkimg: \"unterminated\n",
                "indented.yaml", "model:\n  baseWidth: 4\n latentSize: 8\n",
                "unclosed.json", "{\"batchPerWorker\": 8,\n \"kimg\": 3\n");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path config = Files.writeString(dir.resolve(file.getKey()), file.getValue());

            String error = configError(config);

            assertTrue(error.startsWith("error: --config " + config + ": line "), error);
            assertFalse(error.contains("[Source:") || error.contains("in 'reader'"), error);
        }
    }

    @Test
    void anUnknownConfigFieldIsNamedWithItsLine() throws IOException {
        Path config = dir.resolve("typo.json");
        Files.writeString(config, "{\n  \"batchPerWorker\": 8,\n  \"model\": {\"baseWidth\": 4, \"latnet\": 8}\n}\n");

        String error = configError(config);

        assertTrue(error.startsWith("error: --config " + config + ": line 3, column "), error);
        assertTrue(error.contains("unknown field 'model.latnet'"), error);
        assertFalse(error.contains("[Source:"), error);
    }

    /** The one line train prints for a bad --config file. */
    private String configError(Path config) {
        TestData.CliResult run = TestData.cli(
                "train",
                "--config",
                config.toString(),
                "--data",
                "d",
                "--run-dir",
                dir.resolve("r").toString());
        assertEquals(2, run.exitCode(), run.err());
        List<String> lines = run.err().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, lines.size(), run.err());
        return lines.get(0);
    }

    @Test
    void anErrorWhoseMessageIsOnlyAPathSaysWhatIsWrongWithIt() {
        assertEquals(
                "/runs/a/run.lock: permission denied",
                CommandErrors.message(new AccessDeniedException("/runs/a/run.lock")));
        assertEquals("/data/x: no such file or directory", CommandErrors.message(new NoSuchFileException("/data/x")));
        assertEquals("/data/x: already exists", CommandErrors.message(new FileAlreadyExistsException("/data/x")));
        assertEquals(
                "hdfs://nn/runs/a: permission denied",
                CommandErrors.message(new org.apache.hadoop.security.AccessControlException("hdfs://nn/runs/a")));
        // a message that says more is kept as it is
        assertEquals(
                "/data/x: Read-only file system",
                CommandErrors.message(new java.nio.file.FileSystemException("/data/x", null, "Read-only file system")));
    }

    @Test
    void aRunDirectoryThatCannotBeMadeIsNamed() {
        // /proc takes no new directories, not even from root
        String runDir = "/proc/sparkgan-test-" + ProcessHandle.current().pid() + "/run";
        List<String> args =
                new ArrayList<>(List.of("train", "--data", TestData.mnist(64), "--run-dir", runDir, "--kimg", "0.032"));
        args.addAll(TestData.TINY_RUN);

        TestData.CliResult run = TestData.cli(args.toArray(String[]::new));

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("error: cannot create the run directory file:" + runDir), run.err());
    }

    @Test
    void aReadOnlyRunDirectoryIsNamedWithTheReason() throws IOException {
        // root writes anywhere: the permission cannot be denied to the suite when it runs as root
        assumeFalse("root".equals(System.getProperty("user.name")), "running as root");
        Path runDir = Files.createDirectories(dir.resolve("read-only"));
        Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("r-xr-xr-x"));
        List<String> args = new ArrayList<>(
                List.of("train", "--data", TestData.mnist(64), "--run-dir", runDir.toString(), "--kimg", "0.032"));
        args.addAll(TestData.TINY_RUN);

        TestData.CliResult run = TestData.cli(args.toArray(String[]::new));

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains(runDir.resolve("run.lock") + ": permission denied"), run.err());
    }

    /** The version in the parent pom, which the build must report. */
    private static String pomVersion() throws IOException {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        Matcher version = Pattern.compile("<artifactId>sparkgan-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(version.find(), "no version in ../pom.xml");
        return version.group(1);
    }

    /** The lines between the synopsis and the first option (picocli indents both of those). */
    private static List<String> description(List<String> lines) {
        int start = 1;
        while (start < lines.size() && lines.get(start).startsWith(" ")) {
            start++;
        }
        int end = start;
        while (end < lines.size() && !lines.get(end).startsWith(" ")) {
            end++;
        }
        return lines.subList(start, end);
    }
}
