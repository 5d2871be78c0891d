package io.sparkgan.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import io.sparkgan.model.metrics.FeatureStatistics;
import io.sparkgan.model.metrics.SampleMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

class EvaluatorTrainingTest extends LocalSparkTest {

    @TempDir
    Path dir;

    @Test
    void learnsToClassifyDigitsOnSparkAndIsStoredWithItsDataset() throws Exception {
        ImageDataset digits = DatasetReader.read(spark, TestData.mnist(1024));
        // chance is 10%; measured 0.888 (accuracy on the training images themselves, a learning check)
        EvaluatorTrainer.Result result = EvaluatorTrainer.train(spark, digits, digits, 3, 32, 2, 42);
        assertTrue(result.testAccuracy() > 0.7, "accuracy " + result.testAccuracy());

        EvaluatorStore store = new EvaluatorStore(
                dir.resolve("evaluator").toString(), spark.sparkContext().hadoopConfiguration());
        assertFalse(store.exists());
        store.save(result, digits, digits);
        assertTrue(store.exists());
        assertTrue(store.description().contains("\"testAccuracy\" : " + result.testAccuracy()), store.description());

        // the stored network computes the same features as the trained one
        List<DataSet> batches = EvaluatorTrainer.minibatches(digits, EvaluatorNetwork.Kind.CLASSIFIER, 16, 1)
                .take(1);
        MultiLayerNetwork loaded = store.loadNetwork();
        double[][] trained = EvaluatorNetwork.evaluate(
                        result.network(), batches.get(0).getFeatures())
                .features();
        double[][] reloaded =
                EvaluatorNetwork.evaluate(loaded, batches.get(0).getFeatures()).features();
        for (int i = 0; i < trained.length; i++) {
            // to ND4J's own equality tolerance: the reloaded network runs oneDNN kernels, the trained one may not
            assertArrayEquals(trained[i], reloaded[i], 1e-5, "image " + i);
        }
    }

    @Test
    void featuresComputedOnSparkEqualThoseComputedOnOneMachine() {
        ImageDataset digits = DatasetReader.read(spark, data);
        ImageDataset spread =
                new ImageDataset(digits.uri(), digits.manifest(), digits.rows().repartition(3));
        MultiLayerNetwork evaluator = EvaluatorNetwork.create(28, 28, 1, 10, 7);
        double[][] distributed = EvaluatorFeatures.extract(spread, evaluator).features();

        List<Row> rows = digits.rows()
                .select(DatasetSchema.IMAGE)
                .orderBy(DatasetSchema.ID)
                .collectAsList();
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        rows.forEach(row -> pixels.writeBytes(row.getAs(0)));
        double[][] local = EvaluatorNetwork.evaluate(
                        evaluator,
                        ImageTensors.batch(pixels.toByteArray(), EvaluatorFeatures.sequence(rows.size()), 28, 28, 1))
                .features();

        assertEquals(64, distributed.length);
        for (int i = 0; i < local.length; i++) {
            for (int j = 0; j < local[i].length; j++) {
                assertEquals(local[i][j], distributed[i][j], 1e-5 * (1 + Math.abs(local[i][j])), "image " + i);
            }
        }

        // statistics merged from partitions, some of a single image, equal those of the whole set
        ImageDataset thin =
                new ImageDataset(digits.uri(), digits.manifest(), digits.rows().repartition(40));
        FeatureStatistics merged =
                EvaluatorFeatures.summarise(thin, evaluator, 8, 1).statistics();
        FeatureStatistics whole = FeatureStatistics.of(local);
        assertEquals(64, merged.count());
        assertArrayEquals(whole.mean(), merged.mean(), 1e-5);
    }

    @Test
    void theCommandRefusesToReplaceAStoredEvaluatorAndRejectsUnlabelledOrMismatchedData() throws Exception {
        String out = dir.resolve("ev").toString();
        TestData.CliResult first =
                TestData.cli("train-evaluator", "--data", data, "--test-data", data, "--epochs", "1", "--output", out);
        assertEquals(0, first.exitCode(), first.err());
        TestData.CliResult again =
                TestData.cli("train-evaluator", "--data", data, "--test-data", data, "--epochs", "1", "--output", out);
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains(out) && again.err().contains("--overwrite"), again.err());
        TestData.CliResult badEpochs = TestData.cli(
                "train-evaluator",
                "--data",
                data,
                "--test-data",
                data,
                "--epochs",
                "0",
                "--output",
                out,
                "--overwrite");
        assertEquals(2, badEpochs.exitCode());
        assertTrue(badEpochs.err().contains("--epochs"), badEpochs.err());
    }

    @Test
    void anUnlabelledDatasetGetsAnAutoencoderWhoseFeaturesStillGiveTheMetrics() throws Exception {
        // Parquet as another tool would write it: raw pixels, no labels
        Path parquet = dir.resolve("unlabelled.parquet");
        DatasetReader.read(spark, TestData.mnist(1024))
                .rows()
                .select(DatasetSchema.IMAGE)
                .write()
                .parquet(parquet.toString());
        String unlabelled = dir.resolve("unlabelled").toString();
        assertEquals(
                0,
                TestData.cli(
                                "prep",
                                "--from",
                                "parquet",
                                "--input",
                                parquet.toString(),
                                "--shape",
                                "28x28x1",
                                "--output",
                                unlabelled)
                        .exitCode());
        TestData.CliResult trained = TestData.cli(
                "train-evaluator", "--data", unlabelled, "--test-data", unlabelled, "--epochs", "5", "--batch", "32");
        assertEquals(0, trained.exitCode(), trained.err());
        assertTrue(trained.out().startsWith("autoencoder evaluator"), trained.out());
        EvaluatorStore store = new EvaluatorStore(
                EvaluatorStore.defaultLocation(unlabelled), spark.sparkContext().hadoopConfiguration());
        JsonNode description = Json.MAPPER.readTree(store.description());
        assertEquals("autoencoder", description.get("kind").asText());
        assertTrue(description.get("why").asText().contains("unlabelled"));
        // predicting the mean image scores about 0.36 here; the bottleneck must keep more than the mean
        double error = description.get("testReconstructionError").asDouble();
        assertTrue(error < 0.3, "reconstruction error " + error);

        SampleEvaluation evaluation = SampleEvaluation.open(spark, unlabelled, null);
        SampleMetrics self = evaluation.ofDataset(DatasetReader.read(spark, unlabelled), 512, 1);
        SampleMetrics other = evaluation.ofDataset(DatasetReader.read(spark, TestData.mnistTest(1000)), 512, 1);
        assertNull(self.modesCovered());
        assertEquals(0, self.fid(), 1e-4, "a dataset against itself");
        assertTrue(other.fid() > 0 && Double.isFinite(other.fid()), other.toString());
        assertTrue(other.precision() > 0.3 && other.recall() > 0.3, other.toString());
    }
}
