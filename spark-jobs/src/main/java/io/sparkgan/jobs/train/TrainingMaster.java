package io.sparkgan.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.data.DatasetManifest;
import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.eval.SampleEvaluation;
import io.sparkgan.jobs.spark.Broadcasts;
import io.sparkgan.model.ClassConditioning;
import io.sparkgan.model.GanCheckpoint;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.GanNetworks;
import io.sparkgan.model.GanState;
import io.sparkgan.model.GeneratorAverage;
import io.sparkgan.model.Json;
import io.sparkgan.model.LatentNoise;
import io.sparkgan.model.SampleGrid;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The driver side of distributed training (parameter averaging, as in dl4j-spark): prepare the run directory and
 * the cached shards, then repeat rounds: broadcast the GAN state (parameters, optimizer states, iteration counts of
 * G and D), let every worker run {@code averagingEvery} local steps, average the results weighted by examples,
 * log, and checkpoint every {@code checkpointEvery} rounds and at the end.
 */
public final class TrainingMaster {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingMaster.class);
    /** The learning rate the executors' networks are built with, before a round sets its own. */
    private static final double ARCHITECTURE_RATE = 1e-3;
    /** Counter the evaluation noise is derived with from the run seed. */
    public static final long EVAL_NOISE = 0x6576616cL;

    /** How to treat a run directory that already holds something. */
    public enum Start { NEW, RESUME, OVERWRITE }

    /** What a finished run reports. */
    /**
     * imagesPerSecond counts training time only: {@code seconds} less {@code evaluationSeconds}. {@code collapse}
     * says why the run stopped early for a suspected collapse; null when it ran its budget.
     */
    public record Summary(String runDir, long rounds, long steps, double kimg, long latestCheckpoint,
                          double seconds, double evaluationSeconds, double imagesPerSecond, String collapse) {
    }

    private final SparkSession spark;
    private final TrainConfig config;
    private final Start start;
    private final Options options;
    /** Workers whose shard is not empty; fixed for a run, known once the shards are cached. */
    private int activeWorkers;
    /** Images over all workers per round (fixed for a training session, known once the shards are cached). */
    private long imagesPerRound;
    /** The first round of this session and the images D had seen before it (0 for a new run). */
    private long firstRound;
    private long imagesBefore;
    /** Rounds rejected so far in this run (saved in every checkpoint). */
    private int rejectedRounds;

    /**
     * What a trainer may do that it refuses by default.
     *
     * @param breakLock take over a run directory whose lock a dead trainer left (see {@link RunLock})
     * @param changeWorkers resume with another number of workers than the run was trained with
     */
    public record Options(boolean breakLock, boolean changeWorkers) {
        public static final Options NONE = new Options(false, false);
    }

    public TrainingMaster(SparkSession spark, TrainConfig config, Start start) {
        this(spark, config, start, Options.NONE);
    }

    public TrainingMaster(SparkSession spark, TrainConfig config, Start start, Options options) {
        this.spark = spark;
        this.config = config;
        this.start = start;
        this.options = options;
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
        String resumedRunId = start == Start.RESUME ? run.requireSameRun(config, options.changeWorkers())
                : run.checkFree(start == Start.OVERWRITE);
        ImageDataset dataset = DatasetReader.read(spark, config.data);
        fitModelToDataset(dataset.manifest());

        SparkContext sc = spark.sparkContext();
        if (config.workers == 0) {
            // recorded in run.json: a resumed run keeps its shards whatever the size of the cluster it resumes on
            config.workers = sc.defaultParallelism();
            LOG.info("--workers: {} (the cluster's task slots)", config.workers);
        }
        int workers = config.workers;
        JavaRDD<ShardBlock> shards = ShardLoader.load(dataset, workers);
        // caching the shards reads every row once: the moment to hold the data to its manifest
        List<Integer> shardSizes = shards.map(ShardBlock::size).collect();
        long rows = shardSizes.stream().mapToLong(Integer::longValue).sum();
        if (rows != dataset.manifest().count()) {
            throw new IllegalArgumentException("dataset " + config.data + " holds " + rows + " rows but its manifest"
                    + " says " + dataset.manifest().count() + " (run 'sparkgan prep --validate' for details)");
        }
        activeWorkers = (int) shardSizes.stream().filter(s -> s > 0).count();
        if (activeWorkers == 0) {
            throw new IllegalArgumentException("dataset " + config.data + " has no rows to train on");
        }
        imagesPerRound = (long) activeWorkers * config.averagingEvery * config.batchPerWorker;
        double budgetImages = config.epochs > 0 ? config.epochs * dataset.manifest().count() : config.kimg * 1000;
        LOG.info("training on {} ({} images, {}) with {} workers (shards {}), rounds of {} steps x {} images",
                config.data, dataset.manifest().count(), dataset.manifest().shape(), workers, shardSizes,
                config.averagingEvery, config.batchPerWorker);
        SampleEvaluation evaluation = openEvaluation();
        String runId = resumedRunId != null ? resumedRunId : UUID.randomUUID().toString();
        try (RunLock lock = RunLock.acquire(storage, runId, options.breakLock())) {
            if (resumedRunId != null) {
                run.recordResume(runId, config);
            } else {
                run.claim(runId, config, start == Start.OVERWRITE);
            }
            return trainRounds(storage, runId, shards, workers, budgetImages, evaluation);
        } finally {
            shards.unpersist(false);
        }
    }

    private Summary trainRounds(RunStorage storage, String runId, JavaRDD<ShardBlock> shards, int workers,
                                double budgetImages, SampleEvaluation evaluation)
            throws IOException {
        SparkContext sc = spark.sparkContext();
        GanModelConfig model = config.model;
        MultiLayerNetwork generator = GanNetworks.generator(model);
        MultiLayerNetwork discriminator = GanNetworks.discriminator(model);
        GeneratorAverage average = model.emaKimg > 0 ? new GeneratorAverage(generator) : null;
        // samples and evaluations come from the averaged G when there is one
        MultiLayerNetwork sampler = average != null ? GanNetworks.generator(model) : generator;
        CheckpointStore checkpoints = new CheckpointStore(storage, config.keepCheckpoints);
        MetricsLog metrics = new MetricsLog(storage, RunDirectory.TRAIN_LOG);
        MetricsLog rejected = new MetricsLog(storage, RunDirectory.REJECTED_LOG);
        long round = resumePoint(checkpoints, generator, discriminator, average);
        metrics.truncateAfter("round", round - 1);
        // images are counted from the resume point: the number of workers may have changed (--change-workers)
        long totalRounds = Math.max(Math.max(1, round),
                round + (long) Math.ceil((budgetImages - imagesBefore) / imagesPerRound));
        LOG.info("rounds {} to {} of the run", round + 1, totalRounds);
        rejected.truncateAfter("round", round - 1);
        TrainingEvaluation evaluator = evaluation == null ? null : new TrainingEvaluation(evaluation, config, storage,
                checkpoints, round == 0 ? -1 : stepAfter(round - 1));
        GanState state = GanState.capture(generator, discriminator, average);
        GanState.Layout layout = state.layout();
        // a conditional model's grid has one row per class
        int gridColumns = model.conditional ? Math.max(1, config.sampleCount / model.classes)
                : columns(config.sampleCount);
        int gridCount = model.conditional ? gridColumns * model.classes : config.sampleCount;
        INDArray sampleInput = ClassConditioning.generatorInput(
                LatentNoise.sample(LatentNoise.derive(config.seed, 0x73616d706c65L), gridCount, model.latentSize,
                        DataType.FLOAT),
                model.conditional ? ClassConditioning.oneHot(rowLabels(gridCount, gridColumns), model.classes,
                        DataType.FLOAT) : null);

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        String architecture = architectureJson();
        if (config.learningRateScale(activeWorkers) != 1) {
            LOG.info("{} workers: learning rates scaled by {}", activeWorkers,
                    String.format("%.3f", config.learningRateScale(activeWorkers)));
        }
        String collapse = null;
        int threads = config.threadsPerWorker > 0 ? config.threadsPerWorker : threadsPerTask(sc, workers);
        long runStart = System.nanoTime();
        long latestCheckpoint = checkpoints.latest().orElse(-1);
        long evaluationNanos = 0;
        for (; round < totalRounds; round++) {
            long roundStart = System.nanoTime();
            Broadcast<byte[]> broadcast = jsc.broadcast(state.toBytes());
            double[] rates = workerLearningRates();
            RoundPlan plan = new RoundPlan(config.seed, round * config.averagingEvery, config.averagingEvery,
                    config.batchPerWorker, model.height, model.width, model.channels,
                    !model.architecture.convolutional(), model.latentSize, model.dSteps,
                    (long) config.batchPerWorker * activeWorkers, model.labelWidth(), architecture,
                    rates[0], rates[1], threads);
            WorkerResult result = ParameterAverager.runRound(shards, broadcast, plan);
            GanState averaged = ParameterAverager.average(result, layout);
            Broadcasts.destroy(broadcast);
            String fault = nonFinite(result, averaged);
            if (fault != null) {
                rejectedRounds++;
                rejectRound(round, fault, rejected, generator, discriminator);
                round--;  // redone from the state before it
                continue;
            }
            state = averaged;
            double seconds = (System.nanoTime() - roundStart) / 1e9;
            ObjectNode roundLine = roundMetrics(round, result, seconds);
            metrics.append(roundLine);
            if (evaluator != null) {
                evaluator.recordRound(roundLine.get("dLoss").asDouble());
            }

            boolean last = round == totalRounds - 1;
            if ((round + 1) % config.checkpointEvery == 0 || last) {
                state.applyTo(generator, discriminator, average);
                if (average != null) {
                    average.applyTo(sampler);
                }
                long step = stepAfter(round);
                checkpoints.save(step, new GanCheckpoint(model, generator, discriminator,
                        average != null ? sampler : null, trainingState(runId, round, step)));
                if (model.architecture.convolutional()) {
                    storage.writeAtomically("samples/" + CheckpointStore.name(step) + ".png",
                            SampleGrid.png(sampler.output(sampleInput, false), gridColumns));
                }
                latestCheckpoint = step;
                LOG.info("round {}/{}: step {}, {} kimg, checkpoint and samples written", round + 1, totalRounds,
                        step, String.format("%.1f", kimgAfter(round)));
                long checkpointNumber = (round + 1) / config.checkpointEvery;
                if (evaluator != null && (last || checkpointNumber % config.evaluateEvery == 0)) {
                    long evaluationStart = System.nanoTime();
                    TrainingEvaluation.Action action = evaluator.afterCheckpoint(sampler, round, step,
                            kimgAfter(round), workers);
                    evaluationNanos += System.nanoTime() - evaluationStart;
                    if (action == TrainingEvaluation.Action.STOP) {
                        collapse = evaluator.lastCollapse();
                        totalRounds = round + 1;
                        break;
                    }
                    if (action == TrainingEvaluation.Action.ROLLBACK) {
                        double[] lowered = config.loweredLearningRates();
                        rollBack(checkpoints, evaluator.rollbackTarget(), lowered[0], lowered[1], generator,
                                discriminator, average);
                        state = GanState.capture(generator, discriminator, average);
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - runStart) / 1e9;
        double evaluationSeconds = evaluationNanos / 1e9;
        double trainingSeconds = seconds - evaluationSeconds;
        long roundsRun = totalRounds - firstRound;
        return new Summary(storage.root().toString(), totalRounds, stepAfter(totalRounds - 1),
                kimgAfter(totalRounds - 1), latestCheckpoint, seconds, evaluationSeconds,
                trainingSeconds > 0 ? roundsRun * imagesPerRound / trainingSeconds : 0, collapse);
    }

    /**
     * Restarts from checkpoint {@code to} (the best, or the latest when none is marked, as the evaluation log
     * records it) with the lowered learning rates. The lowered rates are in the model config of every later
     * checkpoint, and until the next one the log line lets a resumed run redo the rollback.
     */
    private void rollBack(CheckpointStore checkpoints, long to, double lrG, double lrD, MultiLayerNetwork generator,
                          MultiLayerNetwork discriminator, GeneratorAverage average) throws IOException {
        loadState(checkpoints.load(to), generator, discriminator, average);
        setLearningRates(generator, discriminator, lrG, lrD);
        LOG.warn("rolled back to checkpoint {}; learning rates now G {} D {}", to, lrG, lrD);
    }

    /** Why a round's result may not be kept (a worker's or the average's NaN or infinity), or null. */
    private static String nonFinite(WorkerResult result, GanState averaged) {
        double[] sums = result.statisticsSum();
        if (!result.nonFinite.isEmpty()) {
            return "the workers of partitions " + result.nonFinite + " produced non-finite losses or parameters";
        }
        if (!Double.isFinite(sums[WorkerResult.D_LOSS]) || !Double.isFinite(sums[WorkerResult.G_LOSS])
                || !TrainingWorker.allFinite(averaged.values())) {
            return "the averaged losses or parameters are not finite";
        }
        return null;
    }

    /**
     * Records a rejected round and lowers both learning rates for its retry, or stops the run when it has used up
     * its rejections. Nothing of the round is kept: the last state stays the one before it.
     */
    private void rejectRound(long round, String fault, MetricsLog log, MultiLayerNetwork generator,
                             MultiLayerNetwork discriminator) throws IOException {
        double lrG = config.loweredLearningRates()[0];
        double lrD = config.loweredLearningRates()[1];
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("round", round);
        line.put("step", stepAfter(round));
        line.put("reason", fault);
        line.put("rejection", rejectedRounds);
        if (rejectedRounds > config.maxRejectedRounds) {
            line.put("action", "stop");
            log.append(line);
            throw new TrainingDiverged("round " + round + " (step " + stepAfter(round) + ") rejected: " + fault
                    + "; that is " + rejectedRounds + " rejected rounds, more than --max-rejected-rounds "
                    + config.maxRejectedRounds + ": stopped. The latest checkpoint is the last good state;"
                    + " lower the learning rates or check the data before resuming");
        }
        line.put("action", "retry");
        line.put("lrG", lrG);
        line.put("lrD", lrD);
        log.append(line);
        LOG.warn("round {} rejected: {}; redone from the state before it with learning rates G {} D {}"
                + " ({} of {} rejections allowed)", round, fault, lrG, lrD, rejectedRounds, config.maxRejectedRounds);
        setLearningRates(generator, discriminator, lrG, lrD);
    }

    private void setLearningRates(MultiLayerNetwork generator, MultiLayerNetwork discriminator, double lrG,
                                  double lrD) {
        config.model.lrG = lrG;
        config.model.lrD = lrD;
        generator.setLearningRate(lrG);
        discriminator.setLearningRate(lrD);
    }

    private static void loadState(GanCheckpoint checkpoint, MultiLayerNetwork generator,
                                  MultiLayerNetwork discriminator, GeneratorAverage average) {
        GeneratorAverage saved = checkpoint.averagedGenerator() != null
                ? new GeneratorAverage(checkpoint.averagedGenerator()) : null;
        GanState.capture(checkpoint.generator(), checkpoint.discriminator(), saved)
                .applyTo(generator, discriminator, average);
    }

    /**
     * The model as the workers build and pool it: its learning rates replaced by a placeholder, since every round
     * carries the rates it trains at.
     */
    private String architectureJson() throws IOException {
        GanModelConfig architecture = config.model.copy();
        architecture.lrG = ARCHITECTURE_RATE;
        architecture.lrD = ARCHITECTURE_RATE;
        return Json.MAPPER.writeValueAsString(architecture);
    }

    /** The rates the workers train at: the run's, scaled for the number of workers (lrScaling). */
    private double[] workerLearningRates() {
        double scale = config.learningRateScale(activeWorkers);
        return new double[] {config.model.lrG * scale, config.model.lrD * scale};
    }

    /**
     * The evaluator named in the config (an error if it is missing), else the dataset's own if it has one, else
     * none: the run then trains without evaluation and says so.
     */
    private SampleEvaluation openEvaluation() throws IOException {
        if (config.evaluateEvery == 0) {
            return null;
        }
        if (config.evaluator == null && SampleEvaluation.storedEvaluator(spark, config.data) == null) {
            LOG.warn("no evaluator stored with {}: training without evaluation, so no checkpoint is marked best; "
                    + "'sparkgan train-evaluator --data {} --test-data <test split>' makes one", config.data,
                    config.data);
            return null;
        }
        return SampleEvaluation.open(spark, config.data, config.evaluator);
    }

    private long stepAfter(long round) {
        return (round + 1) * config.averagingEvery;
    }

    /** Images seen by D after a round, over all workers: counted exactly, from the resume point on. */
    private long imagesAfter(long round) {
        return imagesBefore + (round - firstRound + 1) * imagesPerRound;
    }

    private double kimgAfter(long round) {
        return imagesAfter(round) / 1000.0;
    }

    private ObjectNode roundMetrics(long round, WorkerResult result, double seconds) {
        double[] sums = result.statisticsSum();
        double steps = Math.max(1, result.steps);
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("round", round);
        line.put("step", stepAfter(round));
        line.put("kimg", kimgAfter(round));
        line.put("dLoss", sums[WorkerResult.D_LOSS] / steps);
        line.put("gLoss", sums[WorkerResult.G_LOSS] / Math.max(1, sums[WorkerResult.G_STEPS]));
        line.put("dReal", sums[WorkerResult.D_REAL] / steps);
        line.put("dFake", sums[WorkerResult.D_FAKE] / steps);
        line.put("seconds", seconds);
        line.put("stepSeconds", result.maxComputeSeconds());
        line.put("inputWaitSeconds", result.maxInputWaitSeconds());
        line.put("stateSeconds", result.maxStateSeconds());
        line.put("imagesPerSecond", result.examples / seconds);
        return line;
    }

    private ObjectNode trainingState(String runId, long round, long step) {
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("runId", runId);
        state.put("round", round);
        state.put("step", step);
        state.put("kimg", kimgAfter(round));
        state.put("images", imagesAfter(round));
        state.put("workers", config.workers);
        state.put("seed", config.seed);
        state.put("rejectedRounds", rejectedRounds);
        state.put("savedAt", Instant.now().toString());
        return state;
    }

    /** Loads the latest complete checkpoint when resuming; returns the first round to run. */
    private long resumePoint(CheckpointStore checkpoints, MultiLayerNetwork generator,
                             MultiLayerNetwork discriminator, GeneratorAverage average) throws IOException {
        if (start != Start.RESUME) {
            return 0;
        }
        OptionalLong latest = OptionalLong.empty();
        GanCheckpoint checkpoint = null;
        List<Long> steps = checkpoints.steps();
        for (int i = steps.size() - 1; i >= 0 && checkpoint == null; i--) {
            // the newest checkpoint that verifies: a crash or a copying rename may have damaged a later one
            long step = steps.get(i);
            try {
                String problem = checkpoints.verify(step);
                if (problem != null) {
                    throw new IOException(problem);
                }
                checkpoint = checkpoints.load(step);
                latest = OptionalLong.of(step);
            } catch (IOException e) {
                LOG.warn("checkpoint {} does not verify ({}); resuming from an earlier one", step, e.getMessage());
            }
        }
        if (latest.isEmpty()) {
            checkpoints.discardAfter(-1);
            return 0;
        }
        loadState(checkpoint, generator, discriminator, average);
        // a rollback may have lowered the rates since run.json was written: the checkpoint has the current ones
        setLearningRates(generator, discriminator, checkpoint.config().lrG, checkpoint.config().lrD);
        long round = checkpoint.trainingState().get("round").asLong() + 1;
        // checkpoints from before "images" was stored come from runs whose number of workers never changed
        imagesBefore = checkpoint.trainingState().path("images").asLong(round * imagesPerRound);
        firstRound = round;
        rejectedRounds = checkpoint.trainingState().path("rejectedRounds").asInt(0);
        checkpoints.discardAfter(latest.getAsLong());
        LOG.info("resuming from checkpoint {} (round {})", latest.getAsLong(), round);
        JsonNode rollback = TrainingEvaluation.rollbackAt(checkpoints.storage(), latest.getAsLong());
        if (rollback != null) {
            // the run was stopped after rolling back and before its next checkpoint: roll back again
            rollBack(checkpoints, rollback.get("rollbackTo").asLong(), rollback.get("lrG").asDouble(),
                    rollback.get("lrD").asDouble(), generator, discriminator, average);
        }
        return round;
    }

    private void fitModelToDataset(DatasetManifest manifest) {
        GanModelConfig model = config.model;
        if (model.conditional) {
            if (!manifest.labelled()) {
                throw new IllegalArgumentException("--conditional: dataset " + config.data + " has no labels");
            }
            model.classes = manifest.numClasses();
        }
        if (!model.architecture.convolutional()) {
            // an MLP takes each row's h*w*c values as one vector (low-dimensional toy data stored as tiny images)
            long values = (long) manifest.height() * manifest.width() * manifest.channels();
            if (values != model.dataDim) {
                throw new IllegalArgumentException("the MLP is configured for " + model.dataDim + " values per sample"
                        + " but dataset " + config.data + " holds " + manifest.shape() + " images (" + values + ")");
            }
            model.height = manifest.height();
            model.width = manifest.width();
            model.channels = manifest.channels();
        } else if (model.height == 0 && model.width == 0 && model.channels == 0) {
            model.height = manifest.height();
            model.width = manifest.width();
            model.channels = manifest.channels();
        } else if (model.height != manifest.height() || model.width != manifest.width()
                || model.channels != manifest.channels()) {
            throw new IllegalArgumentException("the model is configured for " + model.height + "x" + model.width
                    + "x" + model.channels + " images but dataset " + config.data + " holds "
                    + manifest.shape() + " images");
        }
        model.validate();
    }

    /**
     * ND4J threads for each worker task: in local mode all tasks share this JVM, so the machine's cores are split
     * between the tasks running at once; on a cluster each task gets its {@code spark.task.cpus}.
     */
    private static int threadsPerTask(SparkContext sc, int workers) {
        if (sc.isLocal()) {
            int concurrent = Math.max(1, Math.min(workers, sc.defaultParallelism()));
            return Math.max(1, Runtime.getRuntime().availableProcessors() / concurrent);
        }
        return sc.getConf().getInt("spark.task.cpus", 1);
    }

    private static int[] rowLabels(int count, int columns) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i / columns;
        }
        return labels;
    }

    private static int columns(int count) {
        return (int) Math.ceil(Math.sqrt(count));
    }
}
