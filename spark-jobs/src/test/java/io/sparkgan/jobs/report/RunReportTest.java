package io.sparkgan.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run report of a small evaluated run: self-contained, every picture present, and as a browser shows it. */
class RunReportTest extends LocalSparkTest {

    @TempDir
    static Path dir;

    private static String run;
    private static String html;
    private static Path report;

    /** 4 rounds with an evaluation every 2 (2 evaluations); train writes the report at the end. */
    @BeforeAll
    static void trainAndReport() throws Exception {
        run = dir.resolve("run").toString();
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                TestData.mnistWithEvaluator(),
                "--run-dir",
                run,
                "--kimg",
                "0.128",
                "--eval-samples",
                "300"));
        args.addAll(TestData.TINY_RUN);
        TestData.CliResult trained = TestData.cli(args.toArray(String[]::new));
        assertEquals(0, trained.exitCode(), trained.err());
        report = Path.of(run, RunReport.FILE);
        assertTrue(trained.out().contains("report:"), trained.out());
        html = Files.readString(report);
    }

    @Test
    void theReportIsOneFileWithEveryChartAndGridInlineAndNothingToFetch() throws Exception {
        assertFalse(Pattern.compile("(src|href)=\"(?!data:)").matcher(html).find(), "nothing outside the file");
        assertFalse(html.contains("<script"), "no JavaScript");
        Matcher images = Pattern.compile("<img alt=\"([^\"]*)\"[^>]*src=\"data:image/png;base64,([^\"]+)\"")
                .matcher(html);
        List<String> alts = new ArrayList<>();
        while (images.find()) {
            BufferedImage image =
                    ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(images.group(2))));
            assertNotNull(image, images.group(1));
            assertTrue(image.getWidth() > 100 && nonWhite(image) > 1000, images.group(1) + " has content");
            alts.add(images.group(1));
        }
        // losses, D outputs, speed, time split, FID, shares; then the 2 sample grids
        assertEquals(6, alts.stream().filter("chart"::equals).count(), alts.toString());
        assertEquals(List.of("samples at step 4", "samples at step 8"), alts.subList(6, alts.size()));
        assertTrue(html.contains("best checkpoint</th><td>step "), "the best checkpoint is named");
        assertTrue(html.contains("4096 images of 28x28x1, 10 classes"));
    }

    /** A picture someone saved among the grids (not {@code <step>.png}) is named in the page, not read as a step. */
    @Test
    void aStrayPictureAmongTheSampleGridsIsNamedNotTakenForAStep() throws Exception {
        Path run = report.getParent();
        Path stray = run.resolve("samples/best-of.png");
        try (var grids = Files.list(run.resolve("samples"))) {
            Files.copy(grids.sorted().findFirst().orElseThrow(), stray);
        }
        try {
            Path page = dir.resolve("with-stray.html");
            TestData.CliResult result =
                    TestData.cli("report", "--run-dir", run.toString(), "--output", page.toString());
            assertEquals(0, result.exitCode(), result.err());
            String text = Files.readString(page);
            Matcher grids =
                    Pattern.compile("<img alt=\"samples at step ([^\"]*)\"").matcher(text);
            List<String> steps = new ArrayList<>();
            while (grids.find()) {
                steps.add(grids.group(1));
            }
            assertEquals(List.of("4", "8"), steps);
            assertTrue(text.contains("(2 grids; 2 shown"), text);
            assertTrue(text.contains("not a sample grid (not named &lt;step&gt;.png): best-of.png"), text);
        } finally {
            Files.delete(stray);
        }
    }

    /**
     * Debian's chromium (installed by .ci/run) loads the page headless with no network: no console errors, no
     * failed loads, and a screenshot with the charts drawn, kept in target/ for people to look at.
     */
    @Test
    void aHeadlessBrowserShowsThePageWithoutErrors() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/chromium").canExecute(), "chromium is not installed");
        Path screenshot = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Path log = dir.resolve("chromium.log");
        Process browser = new ProcessBuilder(
                        "/usr/bin/chromium",
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--hide-scrollbars",
                        "--enable-logging=stderr",
                        "--v=0",
                        "--host-resolver-rules=MAP * ~NOTFOUND",
                        "--window-size=1400,2400",
                        "--screenshot=" + screenshot,
                        report.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(browser.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, browser.exitValue(), output);
        assertFalse(output.contains("CONSOLE") && output.contains("Uncaught"), output);
        assertFalse(output.contains("Failed to load resource") || output.contains("net::ERR"), output);
        BufferedImage shot = ImageIO.read(screenshot.toFile());
        assertEquals(1400, shot.getWidth());
        assertTrue(nonWhite(shot) > 100_000, "the charts and grids are drawn");
    }

    @Test
    void aLinkAtTheOutputIsReplacedNotWrittenThrough() throws Exception {
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "someone else's file");
        Path output = dir.resolve("linked-report.html");
        Files.createSymbolicLink(output, victim);
        TestData.CliResult reported = TestData.cli("report", "--run-dir", run, "--output", output.toString());
        assertEquals(0, reported.exitCode(), reported.err());
        assertEquals("someone else's file", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(output));
        assertTrue(Files.readString(output).contains("best checkpoint"));
    }

    private static int nonWhite(BufferedImage image) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) != 0xffffff) {
                    count++;
                }
            }
        }
        return count;
    }
}
