package io.sparkgan.jobs.cluster;

import static io.sparkgan.jobs.cluster.FakeSparkHome.REPO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.util.Utils;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/**
 * The GPU configs read the way Spark reads a properties file: settings of the application (executors, tasks) and
 * settings of a standalone worker (the GPUs it offers) are in separate files, because Spark reads each from another
 * place and ignores a worker's settings in an application's file.
 */
class GpuConfigTest {

    @Test
    void applicationConfsHoldNoWorkerSettings() {
        for (String conf : List.of("spark-defaults-cpu.conf", "spark-defaults-gpu.conf")) {
            List<String> workerKeys = read(conf).keySet().stream()
                    .filter(key -> key.startsWith("spark.worker."))
                    .sorted()
                    .toList();
            assertEquals(List.of(), workerKeys, conf + " is an application's properties file");
        }
    }

    @Test
    void theWorkerOffersTheGpusThatTheExecutorsAskFor() {
        Map<String, String> application = read("spark-defaults-gpu.conf");
        Map<String, String> worker = read("spark-worker-gpu.conf");

        assertTrue(worker.keySet().stream().allMatch(key -> key.startsWith("spark.worker.")), worker.toString());
        int offered = Integer.parseInt(worker.get("spark.worker.resource.gpu.amount"));
        int perExecutor = Integer.parseInt(application.get("spark.executor.resource.gpu.amount"));
        assertTrue(offered >= perExecutor, worker + " offers fewer GPUs than an executor needs");
        assertEquals(
                ContainerImageIT.DISCOVERY_SCRIPT_IN_IMAGE, worker.get("spark.worker.resource.gpu.discoveryScript"));
        assertEquals(
                ContainerImageIT.DISCOVERY_SCRIPT_IN_IMAGE,
                application.get("spark.executor.resource.gpu.discoveryScript"));
    }

    private static Map<String, String> read(String conf) {
        String file = REPO.resolve("cluster/conf").resolve(conf).toString();
        return JavaConverters.mapAsJavaMap(Utils.getPropertiesFromFile(file));
    }
}
