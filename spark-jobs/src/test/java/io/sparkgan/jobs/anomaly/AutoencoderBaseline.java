package io.sparkgan.jobs.anomaly;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.SparkSessions;
import io.sparkgan.jobs.eval.EvaluatorTrainer;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.model.Json;
import io.sparkgan.model.metrics.Roc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A baseline of the one-class protocol (issue 19), not a test: the convolutional autoencoder that sparkgan trains as
 * the evaluator of unlabelled data ({@code EvaluatorNetwork.autoencoderConfiguration}, trained by
 * {@link EvaluatorTrainer}) trained on the training images of one digit, and every test image scored by its
 * reconstruction error; appends the AUROC (anomalous = every other digit) to a JSON-lines file. Run by
 * {@code bench/anomaly/autoencoder_baseline.sh}.
 */
public final class AutoencoderBaseline {

    private AutoencoderBaseline() {}

    /** Arguments: train dataset, test dataset, digit, epochs, output file. */
    public static void main(String[] args) throws Exception {
        String trainUri = args[0];
        String testUri = args[1];
        int digit = Integer.parseInt(args[2]);
        int epochs = Integer.parseInt(args[3]);
        SparkSession spark = SparkSessions.getOrCreate("autoencoder baseline", "local[*]");
        ImageDataset all = DatasetReader.read(spark, trainUri);
        ImageDataset normal = unlabelled(
                all, all.rows().filter(functions.col(DatasetSchema.LABEL).equalTo(digit)));
        ImageDataset test = DatasetReader.read(spark, testUri);
        long start = System.nanoTime();
        EvaluatorTrainer.Result trained =
                EvaluatorTrainer.train(spark, normal, unlabelled(test, test.rows()), epochs, 64, 2, 42);
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        MultiLayerNetwork net = trained.network();
        List<Row> rows = test.rows().orderBy(DatasetSchema.ID).collectAsList();
        double[] scores = new double[rows.size()];
        boolean[] anomalous = new boolean[rows.size()];
        int h = test.manifest().height();
        int w = test.manifest().width();
        for (int from = 0; from < rows.size(); from += 256) {
            List<Row> batch = rows.subList(from, Math.min(rows.size(), from + 256));
            INDArray images = RowImages.batch(
                    batch.stream()
                            .map(r -> r.<byte[]>getAs(DatasetSchema.IMAGE))
                            .toList(),
                    h,
                    w,
                    1);
            INDArray flat = images.reshape(batch.size(), (long) h * w);
            INDArray difference = net.output(images).sub(flat);
            double[] errors = difference.mul(difference).mean(1).toDoubleVector();
            for (int i = 0; i < batch.size(); i++) {
                scores[from + i] = errors[i];
                anomalous[from + i] = DatasetSchema.label(batch.get(i)) != digit;
            }
        }
        Roc roc = Roc.of(scores, anomalous);
        var line = Json.MAPPER.createObjectNode();
        line.put("digit", digit);
        line.put("method", "autoencoder reconstruction error");
        line.put("epochs", epochs);
        line.put("trainImages", normal.rows().count());
        line.put("testImages", rows.size());
        line.put("auroc", roc.auroc());
        line.put("averagePrecision", roc.averagePrecision());
        line.put("trainSeconds", trainSeconds);
        Files.writeString(
                Path.of(args[4]),
                Json.LINE.writeValueAsString(line) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println(line);
        spark.stop();
    }

    /** The dataset as an unlabelled one (so the evaluator trainer makes its autoencoder), with these rows. */
    private static ImageDataset unlabelled(ImageDataset dataset, org.apache.spark.sql.Dataset<Row> rows) {
        DatasetManifest m = dataset.manifest();
        DatasetManifest manifest = new DatasetManifest(
                m.formatVersion(),
                m.height(),
                m.width(),
                m.channels(),
                m.count(),
                null,
                null,
                m.channelMean(),
                m.channelStd(),
                m.shards(),
                m.source(),
                m.createdAt(),
                m.properties());
        return new ImageDataset(dataset.uri(), manifest, rows);
    }
}
