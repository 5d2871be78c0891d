package io.sparkgan.jobs.anomaly;

import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.spark.IdBlockBatches;
import io.sparkgan.jobs.spark.RowImages;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.anomaly.AnomalyScores;
import io.sparkgan.model.anomaly.EncoderConfig;
import io.sparkgan.model.anomaly.EncoderNetworks;
import io.sparkgan.model.anomaly.FrozenGan;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.sampling.LatentNoise;
import io.sparkgan.model.state.NetworkState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The executors' half of {@link AnomalyScoring}: a dataset's images scored in batches of fixed ids. */
final class ScoringPass {

    private ScoringPass() {}

    /**
     * The score rows of the dataset, made in {@code partitions} tasks (null: as many as the dataset has), in
     * batches of fixed ids ({@link IdBlockBatches}): the same scores whatever the partitioning.
     */
    static JavaRDD<Row> scores(
            ImageDataset dataset,
            FrozenGanBroadcast frozen,
            Broadcast<byte[]> encoderState,
            String encoderJson,
            ScoreSettings settings,
            Integer partitions) {
        DatasetManifest manifest = dataset.manifest();
        int height = manifest.height();
        int width = manifest.width();
        int channels = manifest.channels();
        return IdBlockBatches.map(dataset, partitions, () -> {
            Scorer scorer = new Scorer(frozen, encoderState, encoderJson, settings);
            return batch -> score(batch, scorer, height, width, channels);
        });
    }

    private static List<Row> score(List<Row> batch, Scorer scorer, int height, int width, int channels) {
        long[] ids = batch.stream().mapToLong(r -> r.getLong(0)).toArray();
        AnomalyScores.Score[] scores = scorer.score(images(batch, height, width, channels), ids);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            Row r = batch.get(i);
            out.add(RowFactory.create(
                    r.getLong(0),
                    r.isNullAt(1) ? null : r.getInt(1),
                    scores[i].score(),
                    scores[i].imageResidual(),
                    scores[i].featureResidual()));
        }
        return out;
    }

    /** Rows' images as a batch [n, C, H, W] in [-1, 1]. */
    static INDArray images(List<Row> rows, int height, int width, int channels) {
        return RowImages.batch(rows.stream().map(r -> r.<byte[]>getAs(2)).toList(), height, width, channels);
    }

    /** Scores batches with the networks of one task. */
    static final class Scorer {
        private final FrozenGan gan;
        private final Network encoder;
        private final ScoreSettings settings;
        private final int latentSize;

        Scorer(FrozenGanBroadcast frozen, Broadcast<byte[]> encoderState, String encoderJson, ScoreSettings settings)
                throws IOException {
            GanModelConfig model = frozen.model();
            this.gan = frozen.build();
            this.settings = settings;
            this.latentSize = model.latentSize;
            if (encoderState != null) {
                encoder = EncoderNetworks.encoder(model, Json.MAPPER.readValue(encoderJson, EncoderConfig.class));
                NetworkState.fromBytes(encoderState.value()).applyTo(encoder);
            } else {
                encoder = null;
            }
        }

        /** Scores of {@code images}, whose ids seed the noise a latent search starts from without an encoder. */
        AnomalyScores.Score[] score(INDArray images, long[] ids) {
            if (settings.encoderMethod()) {
                return AnomalyScores.encoder(encoder, gan, images, settings.kappa());
            }
            return AnomalyScores.latentOptimisation(
                    gan, images, start(images, ids), settings.iterations(), settings.lambda(), settings.lr());
        }

        INDArray start(INDArray images, long[] ids) {
            if (settings.fromEncoder()) {
                return encoder.output(images);
            }
            INDArray z = Nd4j.create(DataType.FLOAT, ids.length, latentSize);
            for (int i = 0; i < ids.length; i++) {
                z.putRow(
                        i,
                        LatentNoise.sample(
                                LatentNoise.derive(settings.seed(), 0x616e6f6dL, ids[i]),
                                1,
                                latentSize,
                                DataType.FLOAT));
            }
            return z;
        }

        /** What G makes of each image: G(E(x)), or G at the end of the latent search. */
        INDArray reconstructions(INDArray images, long[] ids) {
            if (settings.encoderMethod()) {
                return gan.reconstruct(encoder.output(images));
            }
            return gan.residuals(
                            images,
                            AnomalyScores.optimisedLatents(
                                    gan,
                                    images,
                                    start(images, ids),
                                    settings.iterations(),
                                    settings.lambda(),
                                    settings.lr()),
                            null)
                    .reconstruction();
        }
    }
}
