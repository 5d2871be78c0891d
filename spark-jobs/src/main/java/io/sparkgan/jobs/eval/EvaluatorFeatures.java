package io.sparkgan.jobs.eval;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetSchema;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.model.ImageTensors;
import io.sparkgan.model.OneDnnLayers;
import io.sparkgan.model.metrics.EvaluatorNetwork;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The evaluator's features of every image of a dataset, computed on the executors: the network's configuration
 * and parameters are broadcast, each partition runs its images through it in batches, and the driver gets the
 * feature vectors back ordered by image id.
 */
public final class EvaluatorFeatures {

    private static final int BATCH = 256;

    private EvaluatorFeatures() {
    }

    public static double[][] extract(ImageDataset data, MultiLayerNetwork evaluator) {
        DatasetManifest m = data.manifest();
        int height = m.height();
        int width = m.width();
        int channels = m.channels();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.rows().sparkSession().sparkContext());
        Broadcast<String> configuration = jsc.broadcast(evaluator.getLayerWiseConfigurations().toJson());
        Broadcast<float[]> parameters = jsc.broadcast(evaluator.params().toFloatVector());
        List<Tuple2<Long, float[]>> features = data.rows().select(DatasetSchema.ID, DatasetSchema.IMAGE).javaRDD()
                .mapPartitions(rows -> {
                    MultiLayerNetwork net = new MultiLayerNetwork(
                            MultiLayerConfiguration.fromJson(configuration.value()));
                    net.init(Nd4j.createFromArray(parameters.value()), false);
                    OneDnnLayers.enable(net);
                    List<Tuple2<Long, float[]>> out = new ArrayList<>();
                    List<Long> ids = new ArrayList<>();
                    ByteArrayOutputStream pixels = new ByteArrayOutputStream();
                    while (rows.hasNext()) {
                        Row row = rows.next();
                        ids.add(row.getLong(0));
                        pixels.writeBytes(row.getAs(1));
                        if (ids.size() == BATCH || !rows.hasNext()) {
                            INDArray batch = ImageTensors.batch(pixels.toByteArray(), sequence(ids.size()), height,
                                    width, channels);
                            float[][] f = EvaluatorNetwork.features(net, batch).toFloatMatrix();
                            for (int i = 0; i < ids.size(); i++) {
                                out.add(new Tuple2<>(ids.get(i), f[i]));
                            }
                            ids.clear();
                            pixels.reset();
                        }
                    }
                    return out.iterator();
                }).collect();
        configuration.destroy();
        parameters.destroy();
        return features.stream().sorted(Comparator.comparing(Tuple2::_1))
                .map(t -> toDoubles(t._2())).toArray(double[][]::new);
    }

    static int[] sequence(int n) {
        int[] indexes = new int[n];
        for (int i = 0; i < n; i++) {
            indexes[i] = i;
        }
        return indexes;
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
