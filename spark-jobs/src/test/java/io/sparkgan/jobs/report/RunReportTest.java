package io.sparkgan.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.charts.LineChart;
import io.sparkgan.jobs.run.SparkganVersion;
import io.sparkgan.model.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
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
        List<String> alts = new ArrayList<>();
        for (Matcher images = IMAGE.matcher(html); images.find(); ) {
            BufferedImage image =
                    ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(images.group(2))));
            assertNotNull(image, images.group(1));
            assertTrue(image.getWidth() > 100 && nonWhite(image) > 1000, images.group(1) + " has content");
            alts.add(images.group(1));
        }
        // losses, D outputs, speed, time split; FID, shares; the class mix's bars and ratios; then the real images
        // beside the latest grid, and the timeline of the 3 sample grids from step 0
        assertEquals(13, alts.size(), alts.toString());
        assertTrue(alts.get(0).startsWith("Losses against kimg, 0.0320 to 0.128 kimg: D loss from "), alts.get(0));
        assertTrue(alts.get(6).startsWith("Share of each class, real against generated: class 0 "), alts.get(6));
        assertTrue(alts.get(7).startsWith("Generated share / real share, per class against kimg"), alts.get(7));
        assertTrue(alts.get(8).startsWith("real images of "), alts.get(8));
        assertEquals("the latest samples, step 8, 0.128 kimg, beside the real images", alts.get(9));
        assertEquals(
                List.of(
                        "samples at step 0, before any training, the same inputs as every grid",
                        "samples at step 4 (0.0640 kimg), the same inputs as every grid",
                        "samples at step 8 (0.128 kimg), the same inputs as every grid"),
                alts.subList(10, 13));
        assertTrue(alts.stream().noneMatch(a -> a.isBlank() || a.equals("chart")), alts.toString());
        assertTrue(html.contains("best checkpoint</th><td>step "), "the best checkpoint is named");
        assertTrue(html.contains("4096 images of 28x28x1, 10 classes"));
    }

    /** The title names the run, its model and its data, not "sparkgan run run". */
    @Test
    void theTitleNamesTheRunTheModelAndTheData() {
        String title = "sparkgan report — run: DCGAN on "
                + Path.of(TestData.mnistWithEvaluator()).getFileName();
        assertTrue(html.contains("<title>" + title + "</title>"), html.substring(0, 400));
        assertTrue(html.contains("<h1>" + title + "</h1>"));
    }

    /** One row per evaluation with its step, kimg, FID and KID; the best one's row marked. */
    @Test
    void theTableHasARowPerEvaluationWithItsFigures() throws Exception {
        List<JsonNode> evaluations = lines(Path.of(run, "eval/metrics.jsonl"));
        assertEquals(2, evaluations.size());
        String table = between(html, "<table class=\"evaluations\">", "</table>");
        List<String> rows = new ArrayList<>(List.of(table.split("\n")));
        rows.removeIf(r -> !r.startsWith("<tr") || r.contains("<th>"));
        assertEquals(evaluations.size(), rows.size(), table);
        for (int i = 0; i < evaluations.size(); i++) {
            JsonNode e = evaluations.get(i);
            String row = rows.get(i);
            assertTrue(
                    row.contains(String.format(
                            Locale.ROOT,
                            "<td class=\"num\">%d</td><td class=\"num\">%s</td><td class=\"num\">%.2f</td>"
                                    + "<td class=\"num\">%.3f ± %.3f</td>",
                            e.get("step").asLong(),
                            LineChart.number(e.get("kimg").asDouble()),
                            e.get("fid").asDouble(),
                            e.get("kid").asDouble(),
                            e.get("kidStd").asDouble())),
                    row);
            assertTrue(row.contains(e.get("modesCovered").asText() + "/10"), row);
            assertEquals(
                    e.get("best").asBoolean() && bestIndex(evaluations) == i, row.startsWith("<tr class=\"best\">"));
        }
        JsonNode best = evaluations.get(bestIndex(evaluations));
        assertTrue(
                html.contains(String.format(
                        Locale.ROOT,
                        "<img alt=\"FID, best %s at %s kimg (step %d). ",
                        LineChart.number(best.get("fid").asDouble()),
                        LineChart.number(best.get("kimg").asDouble()),
                        best.get("step").asLong())),
                "the FID chart's alt text names the best");
    }

    /** The class mix: the manifest's exact shares against each evaluation's, in the table, the words and the bars. */
    @Test
    void theClassMixSetsTheGeneratedSharesAgainstTheManifests() throws Exception {
        DatasetManifest manifest = DatasetManifest.read(
                TestData.mnistWithEvaluator(), spark.sparkContext().hadoopConfiguration());
        String table = between(html, "<table class=\"classes\">", "</table>");
        StringBuilder realRow = new StringBuilder("<tr><th colspan=\"2\">real</th>");
        for (long count : manifest.classCounts()) {
            realRow.append(String.format(Locale.ROOT, "<td class=\"num\">%.1f%%</td>", 100.0 * count / 4096));
        }
        assertTrue(table.contains(realRow + "</tr>"), table);
        List<JsonNode> evaluations = lines(Path.of(run, "eval/metrics.jsonl"));
        JsonNode latest = evaluations.get(evaluations.size() - 1);
        double total = 0;
        for (JsonNode count : latest.get("classCounts")) {
            total += count.asDouble();
        }
        String lastRow = table.substring(table.lastIndexOf("<tr"));
        for (int c = 0; c < 10; c++) {
            String share = String.format(
                    Locale.ROOT,
                    "%.1f%%</td>",
                    100 * latest.get("classCounts").get(c).asDouble() / total);
            assertTrue(lastRow.contains(share), c + ": " + share + " in " + lastRow);
        }
        double real1 = 100.0 * manifest.classCounts().get(1) / 4096;
        double generated1 = 100 * latest.get("classCounts").get(1).asDouble() / total;
        assertTrue(
                html.contains(String.format(
                        Locale.ROOT,
                        "class 1 %.1f%% real, %.1f%% latest: step %d",
                        real1,
                        generated1,
                        latest.get("step").asLong())),
                "the bars' alt text gives class 1's shares");
        assertTrue(
                html.contains(
                        "At the latest evaluation (step " + latest.get("step").asLong()),
                "in words too");
    }

    /** Who ran it where: the id, creation, each start with its host and command line, and the versions. */
    @Test
    void theIdentityOfTheRunIsShown() throws Exception {
        JsonNode runJson = Json.MAPPER.readTree(Path.of(run, "run.json").toFile());
        JsonNode start = runJson.get("starts").get(0);
        assertEquals(InetAddress.getLocalHost().getHostName(), start.get("host").asText());
        assertTrue(start.get("commandLine").asText().contains("java"), start.toString());
        assertFalse(start.get("commandLine").asText().contains(".jar:"), "no class path");
        assertTrue(html.contains("<th>run id</th><td>" + runJson.get("runId").asText() + "</td>"));
        assertTrue(
                html.contains("<th>created</th><td>" + runJson.get("createdAt").asText() + "</td>"));
        assertTrue(html.contains(": from round 0; host " + start.get("host").asText() + "<br>command line: <code>"));
        assertTrue(html.contains("sparkgan " + SparkganVersion.get() + ", Spark 3.5"), "versions");
        assertTrue(
                html.contains("DL4J 1.0.0-M2.1 (ND4J backend CpuBackend), Java " + System.getProperty("java.version")));
        assertTrue(html.contains("<th>last round ended</th><td>20"), "a time");
        assertTrue(html.contains(" from creation to the last round; "), "the duration");
        assertTrue(html.contains("<summary>the dataset's manifest (_manifest.json)</summary><pre>dataset  "));
    }

    /** A run from before host, command line, DL4J's version, step 0 and real images were recorded still reports. */
    @Test
    void anOlderRunWithoutTheNewFieldsReportsThemAsNotRecorded() throws Exception {
        Path old = dir.resolve("old-run");
        copy(Path.of(run), old);
        ObjectNode runJson =
                (ObjectNode) Json.MAPPER.readTree(old.resolve("run.json").toFile());
        for (JsonNode start : runJson.get("starts")) {
            ((ObjectNode) start).remove(List.of("host", "commandLine"));
        }
        ((ObjectNode) runJson.get("versions")).remove("dl4j");
        Files.writeString(old.resolve("run.json"), Json.MAPPER.writeValueAsString(runJson));
        Files.delete(old.resolve("real-images.png"));
        Files.delete(old.resolve("samples/000000000.png"));
        Path page = dir.resolve("old.html");
        TestData.CliResult result = TestData.cli("report", "--run-dir", old.toString(), "--output", page.toString());
        assertEquals(0, result.exitCode(), result.err());
        String text = Files.readString(page);
        assertTrue(text.contains("host not recorded<br>command line: not recorded"), text);
        assertTrue(text.contains("DL4J not recorded"));
        assertFalse(text.contains("alt=\"real images of"), "no real images shown");
        assertTrue(text.contains("(2 grids; 2 shown"));
    }

    /** --smoothing and --x-axis time change the curves (and say so); a bad value is refused naming the option. */
    @Test
    void smoothingAndATimeAxisAreOptionsAndBadValuesAreRefused() throws Exception {
        Path page = dir.resolve("smoothed.html");
        TestData.CliResult result = TestData.cli(
                "report", "--run-dir", run, "--output", page.toString(), "--smoothing", "0.9", "--x-axis", "time");
        assertEquals(0, result.exitCode(), result.err());
        String text = Files.readString(page);
        assertTrue(text.contains("<img alt=\"Losses against training time, "), "against time");
        assertTrue(text.contains("(lines smoothed, weight 0.9)"), "smoothed");
        TestData.CliResult bad =
                TestData.cli("report", "--run-dir", run, "--output", page.toString(), "--smoothing", "1");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--smoothing must be at least 0 and below 1, got 1.0"), bad.err());
        TestData.CliResult axis =
                TestData.cli("report", "--run-dir", run, "--output", page.toString(), "--x-axis", "steps");
        assertEquals(2, axis.exitCode());
        assertTrue(axis.err().contains("--x-axis must be kimg or time, got 'steps'"), axis.err());
    }

    /** A resumed run keeps the grid of step 0 and the real images it wrote when it started. */
    @Test
    void aResumeKeepsStepZeroAndTheRealImages() throws Exception {
        Path resumed = dir.resolve("resumed");
        copy(Path.of(run), resumed);
        // the copy is a run of its own directory
        ObjectNode runJson =
                (ObjectNode) Json.MAPPER.readTree(resumed.resolve("run.json").toFile());
        ((ObjectNode) runJson.get("config")).put("runDir", resumed.toString());
        Files.writeString(resumed.resolve("run.json"), Json.MAPPER.writeValueAsString(runJson));
        byte[] stepZero = Files.readAllBytes(resumed.resolve("samples/000000000.png"));
        FileTime written = Files.getLastModifiedTime(resumed.resolve("samples/000000000.png"));
        FileTime real = Files.getLastModifiedTime(resumed.resolve("real-images.png"));
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                TestData.mnistWithEvaluator(),
                "--run-dir",
                resumed.toString(),
                "--resume",
                "--kimg",
                "0.192",
                "--eval-samples",
                "300"));
        args.addAll(TestData.TINY_RUN);
        TestData.CliResult result = TestData.cli(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(Files.exists(resumed.resolve("samples/000000012.png")), "it trained on");
        assertArrayEquals(stepZero, Files.readAllBytes(resumed.resolve("samples/000000000.png")));
        assertEquals(written, Files.getLastModifiedTime(resumed.resolve("samples/000000000.png")));
        assertEquals(real, Files.getLastModifiedTime(resumed.resolve("real-images.png")));
        JsonNode starts =
                Json.MAPPER.readTree(resumed.resolve("run.json").toFile()).get("starts");
        assertEquals(2, starts.size());
        assertTrue(starts.get(1).has("host") && starts.get(1).has("commandLine"), starts.toString());
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
            Matcher grids = Pattern.compile("<img alt=\"samples at step (\\d+)").matcher(text);
            List<String> steps = new ArrayList<>();
            while (grids.find()) {
                steps.add(grids.group(1));
            }
            assertEquals(List.of("0", "4", "8"), steps);
            assertTrue(text.contains("(3 grids; 3 shown"), text);
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

    private static final Pattern IMAGE =
            Pattern.compile("<img alt=\"([^\"]*)\"[^>]*src=\"data:image/png;base64,([^\"]+)\"");

    private static List<JsonNode> lines(Path jsonl) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            lines.add(Json.MAPPER.readTree(line));
        }
        return lines;
    }

    private static int bestIndex(List<JsonNode> evaluations) {
        int best = -1;
        for (int i = 0; i < evaluations.size(); i++) {
            if (evaluations.get(i).get("best").asBoolean()) {
                best = i;
            }
        }
        return best;
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        assertTrue(from >= 0, start + " in the page");
        return text.substring(from, text.indexOf(end, from));
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
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
