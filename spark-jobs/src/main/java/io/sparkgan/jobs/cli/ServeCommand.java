package io.sparkgan.jobs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.model.Json;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code sparkgan serve}: runs sparkgan commands one after another in this one JVM, for the notebooks, so that each
 * call does not pay for starting a JVM, Spark and ND4J again (measured in notebooks/README.md). Requests and
 * answers are lines on stdin and stdout: a child process of the notebook's kernel, nothing listens on a port.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs sparkgan commands one after another in one JVM, reading them from stdin.",
            "",
            "For the notebooks: each line on stdin is a JSON array of a command's arguments, such as [\"export\","
                    + " \"--data\", \"d\", \"--output\", \"o.npz\"]; each answer is one line on stdout, '"
                    + ServeCommand.ANSWER + "{\"exit\": 0, \"out\": ..., \"err\": ...}', with what the command"
                    + " printed (logs go to stderr). One Spark session serves every command: its settings are those"
                    + " of the first command that starts Spark. Ends at the end of stdin.",
            "",
            "Exit codes: 0 at the end of stdin, 2 bad options (each request's own exit code is in its answer)."
        })
public final class ServeCommand implements Callable<Integer> {

    /** Starts every answer line: other output on stdout (a native library's) is not an answer. */
    static final String ANSWER = "sparkgan-serve: ";

    @Override
    public Integer call() throws IOException {
        PrintStream answers = System.out;
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = requests.readLine(); line != null; line = requests.readLine()) {
            if (!line.isBlank()) {
                answers.println(ANSWER + Json.LINE.writeValueAsString(run(line)));
                answers.flush();
            }
        }
        return 0;
    }

    /** Runs one request with what it prints captured; its exit code and output as the answer. */
    private static ObjectNode run(String request) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        int code;
        try {
            String[] args = Json.MAPPER.readValue(request, String[].class);
            if (args.length > 0 && args[0].equals("serve")) {
                throw new IllegalArgumentException("serve runs other commands, not itself");
            }
            code = SparkGanCli.run(args);
        } catch (JsonProcessingException e) {
            System.err.println("error: a request is a JSON array of strings on one line, got: " + request);
            code = CommandErrors.FAILED;
        } catch (RuntimeException e) {
            code = CommandErrors.report(e, false);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("exit", code);
        answer.put("out", outBytes.toString(StandardCharsets.UTF_8));
        answer.put("err", errBytes.toString(StandardCharsets.UTF_8));
        return answer;
    }
}
