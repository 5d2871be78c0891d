package io.sparkgan.data.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private static final long SECOND = 1_000_000_000L;

    /** Off a terminal: the first step, then at most one line per 10 s, and the last step; ETA from the rate. */
    @Test
    void logLinesComeAtMostEveryTenSecondsWithTheTimeLeft() {
        AtomicLong clock = new AtomicLong(0);
        List<String> lines = new ArrayList<>();
        // resumed at step 20 of 80; every step takes 4 s
        ProgressLine line = new ProgressLine("training", 20, 80, null, lines::add, clock::get);
        for (long done = 21; done <= 80; done++) {
            clock.addAndGet(4 * SECOND);
            line.update(done, "D loss 1.000");
        }
        // logged at steps 21 (4 s), 24 (16 s: 12 s later), 27, ... every third step, and the last
        assertEquals("training 21/80 (26%), D loss 1.000, ETA 3:56", lines.get(0));
        assertEquals("training 24/80 (30%), D loss 1.000, ETA 3:44", lines.get(1));
        assertEquals("training 80/80 (100%), D loss 1.000, ETA 0:00", lines.get(lines.size() - 1));
        assertEquals(21, lines.size());
    }

    @Test
    void onATerminalOneLineIsRewrittenInPlace() {
        AtomicLong clock = new AtomicLong(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> logged = new ArrayList<>();
        ProgressLine line = new ProgressLine(
                "encoder training",
                0,
                2,
                new PrintStream(bytes, true, StandardCharsets.UTF_8),
                logged::add,
                clock::get);
        clock.addAndGet(3700 * SECOND);
        line.update(1, "a longer detail");
        clock.addAndGet(3700 * SECOND);
        line.update(2, "short");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rencoder training 1/2 (50%), a longer detail, ETA 1:01:40\r"), out);
        // 12 characters shorter than the line it replaces: padded with 12 spaces
        assertTrue(out.endsWith("ETA 0:00" + " ".repeat(12) + System.lineSeparator()), out);
        assertTrue(logged.isEmpty());
    }
}
