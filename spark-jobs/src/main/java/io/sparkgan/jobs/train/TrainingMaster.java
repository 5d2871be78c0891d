package io.sparkgan.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.data.ImageShape;
import io.sparkgan.data.progress.ProgressLine;
import io.sparkgan.jobs.engine.AveragingEngine;
import io.sparkgan.jobs.engine.DriverHeap;
import io.sparkgan.jobs.engine.ResidentMemory;
import io.sparkgan.jobs.engine.RoundPlan;
import io.sparkgan.jobs.engine.ShardBlock;
import io.sparkgan.jobs.engine.ShardLoader;
import io.sparkgan.jobs.engine.TrainerSpec;
import io.sparkgan.jobs.engine.WorkerResult;
import io.sparkgan.jobs.eval.SampleEvaluation;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.GracefulStop;
import io.sparkgan.jobs.run.MetricsLog;
import io.sparkgan.jobs.run.RunDirectory;
import io.sparkgan.jobs.run.RunLock;
import io.sparkgan.jobs.run.RunStorage;
import io.sparkgan.jobs.spark.Broadcasts;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.nets.NetworkMemory;
import io.sparkgan.model.state.GanCheckpoint;
import io.sparkgan.model.state.GanState;
import java.io.IOException;
import java.util.UUID;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver side of training a G and D pair (a GAN, an SRGAN: the {@link ModelTraining} given): prepare the run
 * directory and the cached shards, then repeat rounds of the {@link AveragingEngine} with the model's trainer
 * (broadcast the state: parameters, optimizer states,
 * iteration counts of G and D; every worker runs {@code averagingEvery} local steps; the results are averaged
 * weighted by examples), log each round, and checkpoint, sample and evaluate every {@code checkpointEvery} rounds
 * and at the end. What happens when a round or the run goes wrong is {@link RoundRecovery}'s.
 */
public final class TrainingMaster {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingMaster.class);
    /** The learning rate the executors' networks are built with, before a round sets its own. */
    private static final double ARCHITECTURE_RATE = 1e-3;
    /** Counter the evaluation noise is derived with from the run seed. */
    public static final long EVAL_NOISE = 0x6576616cL;

    /** How to treat a run directory that already holds something. */
    public enum Start {
        NEW,
        RESUME,
        OVERWRITE
    }

    /**
     * What a finished run reports. imagesPerSecond counts training time only: {@code seconds} less {@code evaluationSeconds}. {@code collapse}
     * says why the run stopped early for a suspected collapse; null when it ran its budget.
     */
    public record Summary(
            String runDir,
            long rounds,
            long steps,
            double kimg,
            long latestCheckpoint,
            double seconds,
            double evaluationSeconds,
            double imagesPerSecond,
            String collapse) {}

    private final SparkSession spark;
    private final TrainConfig config;
    /** The model trained: its trainer, what it reads from the data first, its samples. */
    private final ModelTraining training;

    private final Start start;
    private final Options options;
    private volatile boolean heldRun;
    /** Workers whose shard is not empty; fixed for a run, known once the shards are cached. */
    private int activeWorkers;

    private RunProgress progress;
    /** The shape of the dataset's images (a super-resolution model trains on crops of them). */
    private ImageShape dataShape;
    /** Asks the trainer to stop between rounds when the JVM is being stopped. */
    private GracefulStop stop = GracefulStop.NONE;

    /**
     * What a trainer may do that it refuses by default.
     *
     * @param breakLock take over a run directory whose lock a dead trainer left (see {@link RunLock})
     * @param changeWorkers resume with another number of workers than the run was trained with
     * @param warmStart a new run starts from this checkpoint of another run, as if it resumed that run (null: from
     *     scratch); its config's budget counts the images that checkpoint was trained on
     * @param restartUnverified a resume that finds checkpoints of which none verifies sets them aside and starts
     *     from round 0, instead of stopping with {@link CheckpointStore.UnverifiedCheckpoints}
     */
    public record Options(boolean breakLock, boolean changeWorkers, WarmStart warmStart, boolean restartUnverified) {
        public static final Options NONE = new Options(false, false);

        public Options(boolean breakLock, boolean changeWorkers) {
            this(breakLock, changeWorkers, null);
        }

        public Options(boolean breakLock, boolean changeWorkers, WarmStart warmStart) {
            this(breakLock, changeWorkers, warmStart, false);
        }
    }

    /** A checkpoint of another run to start from (retraining's champion). */
    public record WarmStart(String runDir, long checkpoint) {}

    public TrainingMaster(SparkSession spark, TrainConfig config, ModelTraining training, Start start) {
        this(spark, config, training, start, Options.NONE);
    }

    public TrainingMaster(
            SparkSession spark, TrainConfig config, ModelTraining training, Start start, Options options) {
        this.spark = spark;
        this.config = config;
        this.training = training;
        this.start = start;
        this.options = options;
    }

    /**
     * Whether {@link #train} got as far as holding the run's lock: from then on what happens is this run's to
     * record (its outcome), before that the directory may be another trainer's.
     */
    public boolean heldRun() {
        return heldRun;
    }

    /** Stops training between rounds when {@code stop} is requested, telling it where the run stands. */
    public TrainingMaster stopOn(GracefulStop stop) {
        this.stop = stop;
        return this;
    }

    /** The run directory this trainer trains in. */
    public String runDir() {
        return config.runDir;
    }

    public Summary train() throws IOException {
        config.resolveAutomatic().validate();
        if (start != Start.RESUME) {
            // one seed for everything random, the initial weights included (a resumed run keeps what it stored)
            config.model.seed = config.seed;
        }
        // everything that can be wrong with the input is checked before the run directory is written to
        RunDirectory run = new RunDirectory(config.runDir, spark.sparkContext().hadoopConfiguration());
        RunStorage storage = run.storage();
        String resumedRunId = start == Start.RESUME
                ? run.requireSameRun(config, TrainConfig.storedIn(run), options.changeWorkers())
                : run.checkFree(start == Start.OVERWRITE);
        if (start == Start.RESUME && !options.restartUnverified()) {
            // before the data is read: a resume with nothing to resume from is an error, not a restart
            GanCheckpoints.store(storage, config.keepCheckpoints)
                    .newestIntact()
                    .requireOneIntact(storage.path(CheckpointStore.DIR));
        }
        ImageDataset dataset = config.normalData(spark);
        config.fitModelTo(dataset.manifest());
        dataShape = dataset.manifest().shape();
        training.prepare(spark, config, dataset, storage, start == Start.RESUME);

        SparkContext sc = spark.sparkContext();
        if (config.workers == 0) {
            // recorded in run.json: a resumed run keeps its shards whatever the size of the cluster it resumes on
            config.workers = sc.defaultParallelism();
            LOG.info("--workers: {} (the cluster's task slots)", config.workers);
        }
        int workers = config.workers;
        DriverNetworks networks = new DriverNetworks(config.model);
        checkMemory(networks, workers, sc);
        // caching the shards reads every row once: the moment to hold the data to its manifest
        ShardLoader.Shards loaded = ShardLoader.loadChecked(dataset, workers, config.normalCount(dataset.manifest()));
        JavaRDD<ShardBlock> shards = loaded.blocks();
        activeWorkers = loaded.activeWorkers();
        progress = new RunProgress(config, activeWorkers);
        double budgetImages =
                config.epochs > 0 ? config.epochs * dataset.manifest().count() : config.kimg * 1000;
        LOG.info(
                "training on {} ({} images, {}) with {} workers (shards {}), rounds of {} steps x {} images",
                config.data,
                dataset.manifest().count(),
                dataset.manifest().shape(),
                workers,
                loaded.sizes(),
                config.averagingEvery,
                config.batchPerWorker);
        SampleEvaluation evaluation = TrainingEvaluation.open(spark, config, training);
        String runId = resumedRunId != null ? resumedRunId : UUID.randomUUID().toString();
        // a trainer asked to stop while it read the data leaves the run directory as it was
        stop.stopIfRequested();
        try (RunLock lock = RunLock.acquire(storage, runId, options.breakLock())) {
            heldRun = true;
            if (resumedRunId != null) {
                run.recordResume(runId, config);
            } else {
                run.claim(runId, config, start == Start.OVERWRITE);
                if (options.warmStart() != null) {
                    WarmStart from = options.warmStart();
                    GanCheckpoints.store(storage, config.keepCheckpoints)
                            .copyFrom(new RunStorage(from.runDir(), sc.hadoopConfiguration()), from.checkpoint());
                    LOG.info("warm start from checkpoint {} of {}", from.checkpoint(), from.runDir());
                }
            }
            return trainRounds(run, runId, networks, shards, workers, budgetImages, evaluation);
        } finally {
            shards.unpersist(false);
        }
    }

    private Summary trainRounds(
            RunDirectory run,
            String runId,
            DriverNetworks networks,
            JavaRDD<ShardBlock> shards,
            int workers,
            double budgetImages,
            SampleEvaluation evaluation)
            throws IOException {
        SparkContext sc = spark.sparkContext();
        RunStorage storage = run.storage();
        GanModelConfig model = config.model;
        CheckpointStore<GanCheckpoint> checkpoints = GanCheckpoints.store(storage, config.keepCheckpoints);
        MetricsLog metrics = new MetricsLog(storage, RunDirectory.TRAIN_LOG);
        MetricsLog rejected = new MetricsLog(storage, RunDirectory.REJECTED_LOG);
        RoundRecovery recovery = new RoundRecovery(config, progress, rejected, networks);
        long round = resumePoint(run, checkpoints, networks, recovery);
        metrics.truncateAfter("round", round - 1);
        rejected.truncateAfter("round", round - 1);
        // images are counted from the resume point: the number of workers may have changed (--change-workers)
        long totalRounds = Math.max(
                Math.max(1, round),
                round + (long) Math.ceil((budgetImages - progress.imagesBefore) / progress.imagesPerRound));
        LOG.info("rounds {} to {} of the run", round + 1, totalRounds);
        TrainingEvaluation evaluator = evaluation == null
                ? null
                : new TrainingEvaluation(
                        evaluation, config, storage, checkpoints, round == 0 ? -1 : progress.stepAfter(round - 1));
        GanState state = networks.capture();
        if (round == 0) {
            // before any training: G's initial weights (the average's too) on the same inputs; a resume keeps it
            training.writeSamples(storage, 0, networks.generator);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        training.open(jsc, storage);
        String architecture = architectureKey();
        if (config.learningRateScale(activeWorkers) != 1) {
            LOG.info(
                    "{} workers: learning rates scaled by {}",
                    activeWorkers,
                    String.format("%.3f", config.learningRateScale(activeWorkers)));
        }
        String collapse = null;
        int threads =
                config.threadsPerWorker > 0 ? config.threadsPerWorker : AveragingEngine.threadsPerTask(sc, workers);
        long runStart = System.nanoTime();
        long latestCheckpoint = checkpoints.latest().orElse(-1);
        long evaluationNanos = 0;
        ProgressLine line = ProgressLine.of(training.activity(), round, totalRounds);
        stop.at(round, latestCheckpoint);
        for (; round < totalRounds; round++) {
            stop.stopIfRequested();
            long roundStart = System.nanoTime();
            // the Spark UI names the jobs after the training
            sc.setJobDescription(String.format(
                    "round %d/%d: %d steps on %d workers", round + 1, totalRounds, config.averagingEvery, workers));
            Broadcast<byte[]> broadcast = jsc.broadcast(state.toBytes());
            RoundPlan plan = roundPlan(round, architecture, threads);
            WorkerResult result = AveragingEngine.runRound(shards, broadcast, plan);
            float[] averaged = AveragingEngine.average(result);
            Broadcasts.destroy(broadcast);
            String fault = RoundRecovery.nonFinite(result, averaged);
            if (fault != null) {
                recovery.reject(round, fault);
                round--; // redone from the state before it
                continue;
            }
            int[] iterations = result.counters();
            state = new GanState(averaged, state.layout(), iterations[0], iterations[1]);
            ObjectNode roundLine = progress.roundMetrics(
                    round,
                    result,
                    (System.nanoTime() - roundStart) / 1e9,
                    plan.trainer().statisticNames());
            metrics.append(roundLine);
            stop.at(round + 1, latestCheckpoint);
            line.update(round + 1, RunProgress.describe(roundLine, budgetImages / 1000));
            if (evaluator != null) {
                evaluator.recordRound(roundLine.get("dLoss").asDouble());
            }

            boolean last = round == totalRounds - 1;
            if ((round + 1) % config.checkpointEvery != 0 && !last) {
                continue;
            }
            networks.apply(state);
            long step = progress.stepAfter(round);
            checkpoints.save(step, networks.checkpoint(model, progress.trainingState(runId, round)));
            training.writeSamples(storage, step, networks.sampler);
            latestCheckpoint = step;
            stop.at(round + 1, latestCheckpoint);
            LOG.info(
                    "round {}/{}: step {}, {} kimg, checkpoint and samples written",
                    round + 1,
                    totalRounds,
                    step,
                    String.format("%.1f", progress.kimgAfter(round)));
            long checkpointNumber = (round + 1) / config.checkpointEvery;
            if (evaluator != null && (last || checkpointNumber % config.evaluateEvery == 0)) {
                stop.stopIfRequested();
                long evaluationStart = System.nanoTime();
                TrainingEvaluation.Action action =
                        evaluator.afterCheckpoint(networks.sampler, round, step, progress.kimgAfter(round), workers);
                evaluationNanos += System.nanoTime() - evaluationStart;
                if (action == TrainingEvaluation.Action.STOP) {
                    collapse = evaluator.lastCollapse();
                    totalRounds = round + 1;
                    break;
                }
                if (action == TrainingEvaluation.Action.ROLLBACK) {
                    double[] lowered = config.loweredLearningRates();
                    recovery.rollBack(checkpoints, evaluator.rollbackTarget(), lowered[0], lowered[1]);
                    state = networks.capture();
                }
            }
        }
        training.close();
        double seconds = (System.nanoTime() - runStart) / 1e9;
        double evaluationSeconds = evaluationNanos / 1e9;
        double trainingSeconds = seconds - evaluationSeconds;
        long roundsRun = totalRounds - progress.firstRound;
        return new Summary(
                storage.root().toString(),
                totalRounds,
                progress.stepAfter(totalRounds - 1),
                progress.kimgAfter(totalRounds - 1),
                latestCheckpoint,
                seconds,
                evaluationSeconds,
                trainingSeconds > 0 ? roundsRun * progress.imagesPerRound / trainingSeconds : 0,
                collapse);
    }

    /** What the workers of a round need: its steps, the data's shape and the model's trainer at this round's rates. */
    private RoundPlan roundPlan(long round, String architecture, int threads) {
        GanModelConfig model = config.model;
        double scale = config.learningRateScale(activeWorkers);
        long imagesPerStep = (long) config.batchPerWorker * activeWorkers;
        double lrG = model.lrG * scale;
        double lrD = model.lrD * scale;
        TrainerSpec trainer = training.trainer(architecture, lrG, lrD, config.seed, imagesPerStep);
        return new RoundPlan(
                config.seed,
                round * config.averagingEvery,
                config.averagingEvery,
                config.batchPerWorker,
                dataShape.height(),
                dataShape.width(),
                dataShape.channels(),
                !model.architecture.convolutional(),
                model.labelWidth(),
                threads,
                trainer);
    }

    /**
     * The model as the workers build and pool it: its learning rates replaced by a placeholder, since every round
     * carries the rates it trains at.
     */
    private String architectureKey() throws IOException {
        GanModelConfig architecture = config.model.copy();
        architecture.lrG = ARCHITECTURE_RATE;
        architecture.lrD = ARCHITECTURE_RATE;
        return training.architectureKey(architecture);
    }

    /**
     * Loads the newest intact checkpoint when resuming or warm-starting, sets aside newer ones that do not verify,
     * and records in run.json where this process starts; returns the first round to run.
     */
    private long resumePoint(
            RunDirectory run,
            CheckpointStore<GanCheckpoint> checkpoints,
            DriverNetworks networks,
            RoundRecovery recovery)
            throws IOException {
        if (start != Start.RESUME && options.warmStart() == null) {
            run.recordStart(0, null);
            return 0;
        }
        CheckpointStore.Search<GanCheckpoint> found = checkpoints.newestIntact();
        if (!options.restartUnverified()) {
            // checked before the data was read; here again under the lock, as the directory may have changed since
            found.requireOneIntact(checkpoints.storage().path(CheckpointStore.DIR));
        }
        checkpoints.setAside(found.unverified());
        CheckpointStore.Loaded<GanCheckpoint> latest = found.intact();
        if (latest == null) {
            checkpoints.discardAfter(-1);
            run.recordStart(0, null);
            return 0;
        }
        GanCheckpoint checkpoint = latest.checkpoint();
        networks.load(checkpoint);
        // a rollback may have lowered the rates since run.json was written: the checkpoint has the current ones
        recovery.setLearningRates(checkpoint.config().lrG, checkpoint.config().lrD);
        progress.resumeAfter(checkpoint.trainingState());
        checkpoints.discardAfter(latest.step());
        LOG.info("resuming from checkpoint {} (round {})", latest.step(), progress.firstRound);
        run.recordStart(
                progress.firstRound,
                new RunDirectory.Loaded(
                        latest.step(),
                        networks.capture().sha256(),
                        options.warmStart() == null ? null : options.warmStart().runDir()));
        JsonNode rollback = TrainingEvaluation.rollbackAt(checkpoints.storage(), latest.step());
        if (rollback != null) {
            // the run was stopped after rolling back and before its next checkpoint: roll back again
            recovery.rollBack(
                    checkpoints,
                    rollback.get("rollbackTo").asLong(),
                    rollback.get("lrG").asDouble(),
                    rollback.get("lrD").asDouble());
        }
        return progress.firstRound;
    }

    /**
     * Refuses at once a model whose round the driver's heap cannot hold, and in local mode a step the process's
     * memory limit cannot hold; on a cluster, logs what each task's step needs besides the executor's heap.
     */
    private void checkMemory(DriverNetworks networks, int workers, SparkContext sc) {
        String smallerModel = training.smallerModelOptions();
        long stateBytes = networks.capture().values().length * (long) Float.BYTES;
        long maxHeap = Runtime.getRuntime().maxMemory();
        DriverHeap.check(stateBytes, workers, sc.isLocal(), maxHeap, smallerModel);
        int batch = config.batchPerWorker;
        long stepBytes =
                NetworkMemory.ganStepActivationBytes(config.model, networks.generator, networks.discriminator, batch);
        if (sc.isLocal()) {
            ResidentMemory.check(
                    stateBytes,
                    maxHeap,
                    workers,
                    Math.min(workers, sc.defaultParallelism()),
                    (stepBytes + batch - 1) / batch,
                    batch,
                    Pointer.maxPhysicalBytes(),
                    smallerModel);
        } else {
            LOG.info(
                    "each task's step holds about {} MB of activations, besides the executor's heap and about 900 MB"
                            + " for the JVM and native libraries",
                    stepBytes >> 20);
        }
    }
}
