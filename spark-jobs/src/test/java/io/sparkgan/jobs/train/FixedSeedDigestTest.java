package io.sparkgan.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkgan.jobs.LocalSparkTest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour pinned across restructurings: fixed-seed runs of a few rounds end with a recorded state. The digest
 * (SHA-256 of the state's float bits) was recorded on the CPU named below; native kernels may round differently
 * on another CPU, so elsewhere the run is held to recorded values at a tolerance far below what a changed
 * computation would move them.
 */
class FixedSeedDigestTest extends LocalSparkTest {

    /** Where the digests were recorded (the first "model name" of /proc/cpuinfo), on 2026-12-05 (issue 18). */
    private static final String RECORDED_ON = "AMD EPYC";

    @TempDir
    Path runs;

    @Test
    void anUnconditionalRunWithTheMovingAverageEndsWhereItDidBefore() throws Exception {
        check(
                "unconditional",
                c -> {
                    c.model.emaKimg = 0.05;
                    c.model.emaRampup = 0.05;
                },
                "124cfa64920e451dd8278d881c8f38bddd021c338c077568567ab301bd3a7510",
                new float[] {
                    0.04121907f,
                    -0.019090656f,
                    -0.008813689f,
                    -0.0012234298f,
                    -0.0019071127f,
                    2.5310717E-7f,
                    1.3581266E-7f,
                    0.0319444f,
                    -0.005920751f,
                    0.05231149f,
                    -0.016959235f,
                    -0.024088193f
                });
    }

    @Test
    void aConditionalRunWithTheMovingAverageEndsWhereItDidBefore() throws Exception {
        check(
                "conditional",
                c -> {
                    c.model.conditional = true;
                    c.model.emaKimg = 0.05;
                    c.model.emaRampup = 0.05;
                },
                "8dc02ba85259ea408bd2d2318efb0f3056e52cae8cfd04f6c03d0b92909354bf",
                new float[] {
                    0.0435347f,
                    -0.0011578493f,
                    6.985659E-5f,
                    7.9898996E-4f,
                    1.7796313E-9f,
                    1.5842889E-9f,
                    -0.026963586f,
                    0.031908005f,
                    0.004937714f,
                    7.0580704E-8f,
                    3.6460602E-7f,
                    0.012796422f
                });
    }

    private void check(String name, Consumer<TrainConfig> setup, String digest, float[] recorded) throws Exception {
        TrainConfig config = TrainingFixtures.tinyRun(data, runs.resolve(name).toString());
        // recorded before the rates followed the number of workers (issue 32): the engine's arithmetic is what is
        // pinned here, at the rates as given
        config.lrScaling = TrainConfig.LrScaling.NONE;
        setup.accept(config);
        config.kimg = TrainingFixtures.kimgFor(config, 3, 2);
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
        float[] values = TrainingFixtures.latestState(spark, config.runDir).values();
        // twelve values spread over G, D and the average
        float[] spread = new float[12];
        for (int i = 0; i < spread.length; i++) {
            spread[i] = values[(int) ((long) i * values.length / spread.length)];
        }
        System.out.println(name + " digest " + digest(values) + " spread " + java.util.Arrays.toString(spread));
        if (RECORDED_ON.equals(cpu())) {
            assertEquals(digest, digest(values), name);
        } else {
            assertArrayEquals(recorded, spread, 1e-4f, name);
        }
    }

    static String digest(float[] values) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length);
        bytes.asFloatBuffer().put(values);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
    }

    private static String cpu() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name"))
                .findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .orElse("");
    }
}
