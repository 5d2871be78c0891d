package io.sparkgan.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark home whose {@code bin/spark-submit} only writes down its arguments, one a line, and exits with
 * {@code FAKE_SUBMIT_EXIT} (0 unless set), or for {@code sparkgan outcome} with {@code FAKE_OUTCOME_EXIT}: the
 * cluster kit's scripts run for real up to the point where they hand over to Spark.
 */
record FakeSparkHome(Path dir) {

    static final Path REPO = Path.of(System.getProperty("sparkgan.repo", "..")).toAbsolutePath();

    static FakeSparkHome in(Path parent) throws IOException {
        Path bin = Files.createDirectories(parent.resolve("spark-home/bin"));
        executable(
                bin.resolve("spark-submit"),
                "#!/bin/sh\nprintf '%s\\n' \"$@\" >> \"$0.args\"\necho --- >> \"$0.args\"\n"
                        // sparkgan outcome, which reads the code a cluster-mode driver recorded
                        + "case \" $* \" in *' outcome '*) exit ${FAKE_OUTCOME_EXIT:-0} ;; esac\n"
                        + "exit ${FAKE_SUBMIT_EXIT:-0}\n");
        return new FakeSparkHome(bin.getParent());
    }

    /** The argument lists spark-submit was called with, in order. */
    List<List<String>> submissions() throws IOException {
        Path args = dir.resolve("bin/spark-submit.args");
        if (!Files.exists(args)) {
            return List.of();
        }
        String all = Files.readString(args);
        return Arrays.stream(all.split("(?m)^---\\n"))
                .map(one -> one.lines().toList())
                .toList();
    }

    static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Run(int exitCode, String output) {}

    /** Variables as name, value pairs; a null value removes the variable from the script's environment. */
    static Map<String, String> env(String... namesAndValues) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            env.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return env;
    }

    /** Runs a script with this environment; a null value removes the variable. */
    static Run run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        return new Run(process.exitValue(), output);
    }
}
