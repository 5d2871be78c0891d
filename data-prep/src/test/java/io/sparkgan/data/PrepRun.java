package io.sparkgan.data;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of {@code prep} through picocli, as a user would run it, with what it printed. */
record PrepRun(int exitCode, String out, String err) {

    static PrepRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new PrepCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args);
        return new PrepRun(exitCode, out.toString(), err.toString());
    }

    /** For assertion messages. */
    @Override
    public String toString() {
        return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
}
