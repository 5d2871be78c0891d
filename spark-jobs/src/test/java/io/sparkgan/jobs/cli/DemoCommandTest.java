package io.sparkgan.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.jobs.LocalSparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's defaults: the same steps per worker on any machine, two cores per worker in local mode, and the bundled
 * MNIST found from any working directory.
 */
class DemoCommandTest extends LocalSparkTest {

    @TempDir
    Path elsewhere;

    @Test
    void localModeGivesEachWorkerTwoCoresAndEachWorkerTheSameSteps() {
        // the shared test session is local[2]: one worker with both cores, PyTorch's 120 kimg in 1875 steps of 64
        assertEquals(1, DemoCommand.defaultWorkers(spark.sparkContext()));
        assertEquals(120.0, DemoCommand.defaultKimg(1, 64), 1e-9);
        assertEquals(360.0, DemoCommand.defaultKimg(3, 64), 1e-9);
    }

    @Test
    void theBundledMnistIsFoundFromAWorkingDirectoryOutsideTheCheckout() throws Exception {
        Path classes = Path.of(DemoCommand.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        // this checkout: spark-jobs/target/classes, three levels below it
        Path checkout = classes.getParent().getParent().getParent();
        Path found = DemoCommand.bundledMnist(elsewhere, classes);
        assertEquals(checkout.resolve("data/mnist"), found);
        assertTrue(Files.exists(found.resolve("train-images-idx3-ubyte.gz")), found.toString());
        // an application jar elsewhere, with the data next to it
        Path install = Files.createDirectories(elsewhere.resolve("opt/sparkgan/data/mnist"))
                .getParent()
                .getParent();
        assertEquals(
                install.resolve("data/mnist"),
                DemoCommand.bundledMnist(elsewhere, install.resolve("sparkgan-app.jar")));
    }

    @Test
    void withoutTheBundledMnistTheDemoSaysWhereItLookedAndWhatToPass() throws Exception {
        Path jar = Files.createDirectories(elsewhere.resolve("lib")).resolve("sparkgan-app.jar");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> DemoCommand.bundledMnist(elsewhere.resolve("work"), jar));
        assertTrue(
                e.getMessage().contains(elsewhere.resolve("work/data/mnist").toString())
                        && e.getMessage().contains("--mnist"),
                e.getMessage());
    }
}
