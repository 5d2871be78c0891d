package io.sparkgan.jobs.anomaly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.progress.ProgressLine;
import io.sparkgan.jobs.engine.AveragingEngine;
import io.sparkgan.jobs.engine.RoundPlan;
import io.sparkgan.jobs.engine.ShardBlock;
import io.sparkgan.jobs.engine.ShardLoader;
import io.sparkgan.jobs.engine.WorkerResult;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.MetricsLog;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunLock;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.spark.Broadcasts;
import io.sparkgan.jobs.train.GanCheckpoints;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.anomaly.EncoderConfig;
import io.sparkgan.model.anomaly.EncoderNetworks;
import io.sparkgan.model.nets.Network;
import io.sparkgan.model.nets.NetworkArchive;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.NetworkState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the f-AnoGAN encoder of a GAN run, data-parallel on the same engine as the GAN, on the run's own
 * training data (its normal classes): every round broadcasts the encoder's state, each worker runs its local
 * {@link EncoderTrainer} steps against the frozen G and D, and the driver averages. The encoder lives in the run
 * directory next to the GAN it belongs to:
 *
 * <ul>
 *   <li>{@code encoder/encoder.json}: which GAN checkpoint it encodes for, its config, the round size;
 *   <li>{@code encoder/checkpoints/<step>/encoder.zip} and {@code state.json} (written last: what counts);
 *   <li>{@code encoder/metrics.jsonl}: the loss and its residuals per round.
 * </ul>
 *
 * A run stopped part-way resumes from its latest encoder checkpoint and ends where an uninterrupted one would.
 */
public final class EncoderTraining {

    private static final Logger LOG = LoggerFactory.getLogger(EncoderTraining.class);
    static final String SETTINGS = "encoder/encoder.json";
    static final String CHECKPOINTS = "encoder/checkpoints";
    static final String LOG_FILE = "encoder/metrics.jsonl";
    static final String NETWORK = "encoder.zip";
    static final String STATE = "state.json";

    /**
     * What a finished encoder training reports; {@code firstRound} is where this call started and
     * {@code loadedStateSha256} the SHA-256 of the encoder state it resumed from (null for a new encoder).
     */
    public record Summary(
            long ganCheckpoint, long steps, double kimg, double loss, long firstRound, String loadedStateSha256) {}

    private final SparkSession spark;
    private final String runDir;

    public EncoderTraining(SparkSession spark, String runDir) {
        this.spark = spark;
        this.runDir = runDir;
    }

    /**
     * Trains for {@code kimg} thousand images in all (a resumed encoder counts what it has done). A new encoder
     * encodes for GAN checkpoint {@code checkpoint} (a step, best or latest); a resumed one keeps its own.
     */
    public Summary train(String checkpoint, EncoderConfig config, double kimg, int checkpointEvery, boolean resume)
            throws IOException {
        config.validate();
        RunDirectory run = new RunDirectory(runDir, spark.sparkContext().hadoopConfiguration());
        RunStorage storage = run.storage();
        TrainConfig gan = TrainConfig.storedGanIn(run, "sparkgan train-encoder");
        CheckpointStore<GanCheckpoint> ganCheckpoints = GanCheckpoints.store(storage, gan.keepCheckpoints);
        JsonNode settings = storage.exists(SETTINGS) ? Json.MAPPER.readTree(storage.readString(SETTINGS)) : null;
        if (settings != null && !resume) {
            throw new IllegalArgumentException(
                    runDir + " already has an encoder (" + SETTINGS + "); --resume" + " continues it");
        }
        long ganStep =
                settings != null ? settings.get("ganCheckpoint").asLong() : ganCheckpoints.resolve(checkpoint, runDir);
        if (settings != null) {
            config = Json.MAPPER.treeToValue(settings.get("encoder"), EncoderConfig.class);
        }
        GanCheckpoint loaded = ganCheckpoints.load(ganStep);
        GanModelConfig model = loaded.config();
        if (model.conditional) {
            throw new IllegalArgumentException("run " + runDir + " is a conditional GAN; the f-AnoGAN encoder needs"
                    + " an unconditional one (train it with --normal-classes and without --conditional)");
        }
        if (!loaded.samplingGenerator().hasInputGradient()) {
            throw new IllegalArgumentException("run " + runDir + " has a graph generator (" + model.architecture
                    + "); the encoder's gradient passes through G's input gradient, which only layer stacks have");
        }
        int steps = Math.max(1, (int) Math.round(TrainConfig.LOCAL_DRIFT / config.lr));
        ImageDataset dataset = gan.normalData(spark);
        ShardLoader.Shards cached = ShardLoader.loadChecked(dataset, gan.workers, gan.normalCount(dataset.manifest()));
        JavaRDD<ShardBlock> shards = cached.blocks();
        long activeWorkers = cached.activeWorkers();
        long rows = cached.sizes().stream().mapToLong(Integer::longValue).sum();
        long imagesPerRound = activeWorkers * steps * gan.batchPerWorker;
        long totalRounds = Math.max(1, (long) Math.ceil(kimg * 1000 / imagesPerRound));
        LOG.info(
                "encoder for checkpoint {} of {}: {} images of {}, {} workers, rounds of {} steps",
                ganStep,
                runDir,
                rows,
                gan.data,
                activeWorkers,
                steps);

        Network encoder = EncoderNetworks.encoder(model, config);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        FrozenGanBroadcast frozen = new FrozenGanBroadcast(jsc, run.storage().root() + "@" + ganStep, loaded);
        EncoderTrainerSpec spec = EncoderTrainerSpec.of(frozen, config);
        String runId = run.storedRunId();
        MetricsLog metrics = new MetricsLog(storage, LOG_FILE);
        try (RunLock lock = RunLock.acquire(storage, runId, false)) {
            long round = 0;
            String loadedState = null;
            if (settings == null) {
                ObjectNode written = Json.MAPPER.createObjectNode();
                written.put("ganCheckpoint", ganStep);
                written.set("encoder", Json.MAPPER.valueToTree(config));
                written.put("stepsPerRound", steps);
                storage.writeAtomically(
                        SETTINGS, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(written));
            } else {
                Loaded latest = latest(storage);
                if (latest != null) {
                    NetworkState resumed = NetworkState.capture(latest.network());
                    resumed.applyTo(encoder);
                    loadedState = resumed.sha256();
                    round = latest.round() + 1;
                    LOG.info("resuming the encoder from its step {} (round {})", latest.step(), round);
                }
            }
            long firstRound = round;
            metrics.truncateAfter("round", round - 1);
            int threads = AveragingEngine.threadsPerTask(spark.sparkContext(), gan.workers);
            double lastLoss = Double.NaN;
            ProgressLine progress = ProgressLine.of("encoder training", round, totalRounds);
            for (; round < totalRounds; round++) {
                spark.sparkContext()
                        .setJobDescription(String.format(
                                "encoder round %d/%d: %d steps on %d workers",
                                round + 1, totalRounds, steps, gan.workers));
                Broadcast<byte[]> state =
                        jsc.broadcast(NetworkState.capture(encoder).toBytes());
                RoundPlan plan = new RoundPlan(
                        gan.seed ^ 0x656e636fL,
                        round * steps,
                        steps,
                        gan.batchPerWorker,
                        model.height,
                        model.width,
                        model.channels,
                        !model.architecture.convolutional(),
                        0,
                        threads,
                        spec);
                WorkerResult result = AveragingEngine.runRound(shards, state, plan);
                Broadcasts.destroy(state);
                float[] averaged = AveragingEngine.average(result);
                if (!result.nonFinite().isEmpty()) {
                    throw new IllegalStateException("encoder round " + round + ": the workers of partitions "
                            + result.nonFinite() + " produced non-finite values; lower --lr");
                }
                new NetworkState(averaged, encoder.numParams(), result.counters()[0]).applyTo(encoder);
                lastLoss = result.statistic(0) / Math.max(1, result.steps());
                ObjectNode line = Json.MAPPER.createObjectNode();
                line.put("round", round);
                line.put("step", (round + 1) * steps);
                line.put("kimg", (round + 1) * imagesPerRound / 1000.0);
                for (int i = 0; i < EncoderTrainer.STATISTICS.size(); i++) {
                    line.put(EncoderTrainer.STATISTICS.get(i), result.statistic(i) / Math.max(1, result.steps()));
                }
                metrics.append(line);
                progress.update(
                        round + 1,
                        String.format(
                                "%.1f kimg, loss %.5f (image %.5f, features %.5f)",
                                line.get("kimg").asDouble(),
                                lastLoss,
                                line.get("imageResidual").asDouble(),
                                line.get("featureResidual").asDouble()));
                if ((round + 1) % checkpointEvery == 0 || round == totalRounds - 1) {
                    save(storage, encoder, round, (round + 1) * steps);
                }
            }
            return new Summary(
                    ganStep,
                    totalRounds * steps,
                    totalRounds * imagesPerRound / 1000.0,
                    lastLoss,
                    firstRound,
                    loadedState);
        } finally {
            frozen.destroy();
            shards.unpersist(false);
        }
    }

    /** The latest committed encoder checkpoint of a run: its step and network, or null if it has none. */
    public static Loaded latest(RunStorage storage) throws IOException {
        List<Long> steps = new ArrayList<>();
        if (storage.exists(CHECKPOINTS)) {
            for (FileStatus status : storage.fs().listStatus(storage.path(CHECKPOINTS))) {
                if (storage.exists(CHECKPOINTS + "/" + status.getPath().getName() + "/" + STATE)) {
                    steps.add(Long.parseLong(status.getPath().getName()));
                }
            }
        }
        if (steps.isEmpty()) {
            return null;
        }
        long step = steps.stream().mapToLong(Long::longValue).max().getAsLong();
        String dir = CHECKPOINTS + "/" + CheckpointStore.name(step);
        try (InputStream in = storage.fs().open(storage.path(dir + "/" + NETWORK))) {
            Network network =
                    NetworkArchive.read(in, storage.path(dir + "/" + NETWORK).toString(), true);
            JsonNode state = Json.MAPPER.readTree(storage.readString(dir + "/" + STATE));
            JsonNode settings = Json.MAPPER.readTree(storage.readString(SETTINGS));
            EncoderConfig config = Json.MAPPER.treeToValue(settings.get("encoder"), EncoderConfig.class);
            return new Loaded(
                    step,
                    state.get("round").asLong(),
                    settings.get("ganCheckpoint").asLong(),
                    network,
                    config);
        }
    }

    /** An encoder checkpoint: its step and round, the GAN checkpoint it encodes for, the network, its config. */
    public record Loaded(long step, long round, long ganCheckpoint, Network network, EncoderConfig config) {}

    private static void save(RunStorage storage, Network encoder, long round, long step) throws IOException {
        String dir = CHECKPOINTS + "/" + CheckpointStore.name(step);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ModelSerializer.writeModel(encoder.model(), zip, true);
        storage.writeAtomically(dir + "/" + NETWORK, zip.toByteArray());
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("round", round);
        state.put("step", step);
        // written last: a checkpoint counts once its state is there
        storage.writeAtomically(dir + "/" + STATE, Json.MAPPER.writeValueAsString(state));
    }
}
