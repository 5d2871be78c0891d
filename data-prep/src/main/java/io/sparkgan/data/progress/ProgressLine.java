package io.sparkgan.data.progress;

import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a long phase (training rounds, encoder rounds) tells the user where it is: done of total, percentage, rate
 * and the time left, with whatever figures the phase adds (losses, D's outputs). On an interactive terminal one
 * line is rewritten in place after every step; otherwise (CI, cluster logs, a scheduler) a log line is written at
 * most every {@link #LOG_EVERY_SECONDS} seconds, and at the first and last step. The rate and the time left count
 * from when the line was made and the steps done since, so a resumed run's estimate is its own.
 */
public final class ProgressLine {

    public static final int LOG_EVERY_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(ProgressLine.class);

    private final String phase;
    private final long total;
    private final PrintStream terminal;
    private final Consumer<String> log;
    private final LongSupplier nanos;
    private final long startDone;
    private final long startNanos;
    private boolean logged;
    private long lastLogNanos;
    private int lastWidth;

    /**
     * A line for steps {@code done + 1} to {@code total} of {@code phase}, live when the JVM runs on a terminal.
     */
    public static ProgressLine of(String phase, long done, long total) {
        return new ProgressLine(
                phase, done, total, System.console() != null ? System.err : null, LOG::info, System::nanoTime);
    }

    /** {@code terminal}: where the live line goes, or null to log instead. */
    ProgressLine(String phase, long done, long total, PrintStream terminal, Consumer<String> log, LongSupplier nanos) {
        this.phase = phase;
        this.startDone = done;
        this.total = total;
        this.terminal = terminal;
        this.log = log;
        this.nanos = nanos;
        this.startNanos = nanos.getAsLong();
    }

    /** Reports that {@code done} of the total steps are done, with {@code details} (may be empty). */
    public void update(long done, String details) {
        long now = nanos.getAsLong();
        String text = text(done, details, now);
        if (terminal != null) {
            String padded = text.length() < lastWidth ? text + " ".repeat(lastWidth - text.length()) : text;
            terminal.print("\r" + padded + (done >= total ? System.lineSeparator() : ""));
            terminal.flush();
            lastWidth = text.length();
        } else if (done >= total || !logged || now - lastLogNanos >= LOG_EVERY_SECONDS * 1_000_000_000L) {
            log.accept(text);
            logged = true;
            lastLogNanos = now;
        }
    }

    String text(long done, String details, long now) {
        double seconds = (now - startNanos) / 1e9;
        long counted = done - startDone;
        double perSecond = seconds > 0 ? counted / seconds : 0;
        String left = perSecond > 0 ? duration((total - done) / perSecond) : "?";
        return String.format(
                "%s %d/%d (%.0f%%)%s, ETA %s",
                phase, done, total, 100.0 * done / Math.max(1, total), details.isEmpty() ? "" : ", " + details, left);
    }

    /** h:mm:ss, or m:ss under an hour. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        return s >= 3600
                ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
