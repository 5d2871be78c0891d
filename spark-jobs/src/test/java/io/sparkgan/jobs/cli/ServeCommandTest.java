package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.jobs.TestData;
import io.sparkgan.model.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sparkgan serve}: commands from stdin run one after another in one JVM, each answered on one line. */
class ServeCommandTest {

    @TempDir
    Path dir;

    @Test
    void eachRequestIsAnsweredWithItsExitCodeAndWhatItPrinted() throws Exception {
        String data = TestData.mnist(64);
        String out = dir.resolve("first.npz").toString();
        String export =
                Json.LINE.writeValueAsString(List.of("export", "--data", data, "--output", out, "--limit", "2"));
        String requests = String.join(
                "\n",
                "[\"--version\"]",
                export,
                "",
                export,
                "not a request",
                "[\"serve\"]",
                "[\"sample\", \"--latentz\", \"z.npy\"]");

        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(requests.getBytes(StandardCharsets.UTF_8)));
        TestData.CliResult served;
        try {
            served = TestData.cli("serve");
        } finally {
            System.setIn(stdin);
        }

        assertEquals(0, served.exitCode(), served.err());
        List<JsonNode> answers = new ArrayList<>();
        for (String line : served.out().lines().toList()) {
            if (line.startsWith(ServeCommand.ANSWER)) {
                answers.add(Json.MAPPER.readTree(line.substring(ServeCommand.ANSWER.length())));
            }
        }
        assertEquals(6, answers.size(), served.out());
        assertAnswer(answers.get(0), 0, "out", "sparkgan ");
        assertAnswer(answers.get(1), 0, "out", "exported " + data + " to " + out);
        assertTrue(Files.exists(Path.of(out)));
        assertAnswer(answers.get(2), 2, "err", out + " exists; pass --overwrite to replace it");
        assertAnswer(answers.get(3), 2, "err", "a request is a JSON array of strings on one line, got: not a request");
        assertAnswer(answers.get(4), 2, "err", "serve runs other commands, not itself");
        assertAnswer(answers.get(5), 2, "err", "Unknown options: '--latentz'");
        assertTrue(
                !answers.get(1).get("err").asText().contains("error:"),
                answers.get(1).toString());
    }

    private static void assertAnswer(JsonNode answer, int exit, String stream, String text) {
        assertEquals(exit, answer.get("exit").asInt(), answer.toString());
        assertTrue(answer.get(stream).asText().contains(text), answer.toString());
    }
}
