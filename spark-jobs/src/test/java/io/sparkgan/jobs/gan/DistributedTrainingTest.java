package io.sparkgan.jobs.gan;

import static io.sparkgan.jobs.StateAssertions.assertClose;
import static io.sparkgan.jobs.StateAssertions.assertMoved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.data.DatasetReader;
import io.sparkgan.data.ImageDataset;
import io.sparkgan.jobs.LocalSparkTest;
import io.sparkgan.jobs.TestData;
import io.sparkgan.jobs.engine.BatchPrefetcher;
import io.sparkgan.jobs.engine.EngineWorker;
import io.sparkgan.jobs.engine.LocalTrainer;
import io.sparkgan.jobs.engine.Minibatch;
import io.sparkgan.jobs.engine.RoundPlan;
import io.sparkgan.jobs.engine.ShardBlock;
import io.sparkgan.jobs.engine.ShardLoader;
import io.sparkgan.jobs.train.TrainConfig;
import io.sparkgan.jobs.train.TrainingFixtures;
import io.sparkgan.jobs.train.TrainingMaster;
import io.sparkgan.model.GanModelConfig;
import io.sparkgan.model.Json;
import io.sparkgan.model.augment.DiffAugment;
import io.sparkgan.model.losses.GanLoss;
import io.sparkgan.model.nets.GanNetworks;
import io.sparkgan.model.nets.GraphNetwork;
import io.sparkgan.model.state.GanState;
import io.sparkgan.model.training.GanStep;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Distributed training against single-machine oracles, on Spark local mode with real Parquet data. */
class DistributedTrainingTest extends LocalSparkTest {

    @TempDir
    Path runs;

    /** A layer-stack G and a graph G (a residual block joined by an element-wise add) through the same engine. */
    @ParameterizedTest
    @EnumSource(
            value = GanModelConfig.Architecture.class,
            names = {"DCGAN", "DCGAN_RESIDUAL"})
    void oneWorkerEqualsTheSingleMachineEngine(GanModelConfig.Architecture architecture) throws Exception {
        TrainConfig config = TrainingFixtures.tinyRun(
                data, runs.resolve("one-" + architecture).toString());
        config.model.architecture = architecture;
        config.workers = 1;
        config.kimg = TrainingFixtures.kimgFor(config, 3, 1);
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
        GanState distributed = TrainingFixtures.latestState(spark, config.runDir);

        GanModelConfig model = mnistModel(config);
        GanStep local = new GanStep(GanNetworks.generator(model), GanNetworks.discriminator(model), model);
        ShardBlock block = blocks(1).get(0);
        RoundPlan plan = plan(config, model, 0, 6);
        try (BatchPrefetcher batches = new BatchPrefetcher(block, plan)) {
            for (int i = 0; i < 6; i++) {
                Minibatch batch = batches.next();
                local.step(
                        batch.real(),
                        GanTrainer.noise(config.seed, block.partition(), i, config.batchPerWorker, model.latentSize));
            }
        }
        GanState single = GanState.capture(local.generator(), local.discriminator());
        assertEquals(
                architecture == GanModelConfig.Architecture.DCGAN_RESIDUAL,
                TrainingFixtures.latestCheckpoint(spark, config.runDir).generator() instanceof GraphNetwork);
        assertEquals(6, distributed.generatorIterations());
        assertClose(single.values(), distributed.values(), 1e-6);
    }

    /**
     * With SGD and linear rate scaling, N workers averaging every step take one machine's SGD step on the combined
     * batch at N times the rate (Goyal et al.'s linear scaling rule); unscaled, at the rate as given.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = TrainConfig.LrScaling.class,
            names = {"NONE", "LINEAR"})
    void withSgdAndAveragingEveryStepNWorkersEqualOneMachineWithAnNTimesLargerBatch(TrainConfig.LrScaling scaling)
            throws Exception {
        // D's update is a mean of per-example gradients, so averaging equals the big batch exactly. G's update in
        // the alternating (DCGAN) step goes through each worker's own updated D; it equals the big batch when D
        // barely moves, which the second run checks.
        for (double lrD : new double[] {0.05, 1e-12}) {
            TrainConfig config = TrainingFixtures.tinyRun(
                    data, runs.resolve("sgd-" + lrD + "-" + scaling).toString());
            config.averagingEvery = 1;
            config.lrScaling = scaling;
            config.kimg = TrainingFixtures.kimgFor(config, 1, 2);
            config.model.optimizer = GanModelConfig.OptimizerKind.SGD;
            config.model.batchNorm = false;
            // one plain SGD step: a large G rate makes G's (small) update clearly measurable
            config.model.lrG = lrD > 1e-6 ? 0.05 : 5.0;
            config.model.lrD = lrD;
            TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
            GanState averaged = TrainingFixtures.latestState(spark, config.runDir);

            GanModelConfig model = mnistModel(config);
            GanStep big = new GanStep(GanNetworks.generator(model), GanNetworks.discriminator(model), model);
            GanState initial = GanState.capture(big.generator(), big.discriminator());
            double scale = config.learningRateScale(2);
            big.generator().setLearningRate(model.lrG * scale);
            big.discriminator().setLearningRate(model.lrD * scale);
            List<ShardBlock> shards = blocks(2);
            assertEquals(shards.get(0).size(), shards.get(1).size(), "equal shards");
            INDArray[] real = new INDArray[2];
            INDArray[] noise = new INDArray[2];
            for (int p = 0; p < 2; p++) {
                try (BatchPrefetcher batches = new BatchPrefetcher(shards.get(p), plan(config, model, 0, 1))) {
                    Minibatch batch = batches.next();
                    real[p] = batch.real();
                    noise[p] = GanTrainer.noise(config.seed, p, 0, config.batchPerWorker, model.latentSize);
                }
            }
            big.step(Nd4j.concat(0, real), Nd4j.concat(0, noise));
            GanState oneMachine = GanState.capture(big.generator(), big.discriminator());

            GanState.Layout layout = averaged.layout();
            int gEnd = (int) layout.gParams();
            int dStart = (int) (layout.gParams() + layout.gUpdater());
            int dEnd = dStart + (int) layout.dParams();
            // at twice the rate one D weight ends near zero (3e-6), where the two orders of summation differ by the
            // rounding of the weights' own size (7e-9): more than the floor of 1e-5 relative tolerance allows
            double tolerance = scale == 1 ? 1e-5 : 5e-5;
            if (lrD > 1e-6) {
                assertMoved(initial.values(), oneMachine.values(), dStart, dEnd);
                assertClose(
                        java.util.Arrays.copyOfRange(oneMachine.values(), dStart, dEnd),
                        java.util.Arrays.copyOfRange(averaged.values(), dStart, dEnd),
                        tolerance);
            } else {
                assertMoved(initial.values(), oneMachine.values(), 0, gEnd);
                assertClose(
                        java.util.Arrays.copyOfRange(oneMachine.values(), 0, gEnd),
                        java.util.Arrays.copyOfRange(averaged.values(), 0, gEnd),
                        tolerance);
            }
        }
    }

    @Test
    void averagedOptimizerStateIsTheExampleWeightedMeanOfTheWorkersStates() throws Exception {
        checkAverageOfOneRound(data, 2);
    }

    @Test
    void aWorkerWithAnEmptyShardDoesNotSkewTheAverage() throws Exception {
        // two images over three workers: ids 0 and 1 go to partitions 0 and 1, partition 2 is empty
        checkAverageOfOneRound(TestData.mnist(2), 3);
    }

    private void checkAverageOfOneRound(String data, int workerCount) throws Exception {
        TrainConfig config = TrainingFixtures.tinyRun(
                data, runs.resolve("mean-" + workerCount).toString());
        config.workers = workerCount;
        config.kimg = TrainingFixtures.kimgFor(config, 1, 2);
        config.checkpointEvery = 1;
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
        GanState averaged = TrainingFixtures.latestState(spark, config.runDir);

        // by hand: each worker's round on its own, from the same initial state
        GanModelConfig model = mnistModel(config);
        GanStep initialNets = new GanStep(GanNetworks.generator(model), GanNetworks.discriminator(model), model);
        byte[] initial = GanState.capture(initialNets.generator(), initialNets.discriminator())
                .toBytes();
        Broadcast<byte[]> broadcast =
                JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(initial);
        RoundPlan plan = plan(config, model, 0, config.averagingEvery);
        double[] mean = new double[averaged.values().length];
        float[][] workers = new float[2][];
        List<ShardBlock> shards = blocks(data, workerCount);
        assertEquals(2, shards.stream().filter(b -> b.size() > 0).count());
        for (ShardBlock block : shards) {
            if (block.size() == 0) {
                continue;
            }
            LocalTrainer trainer = plan.trainer().create();
            plan.trainer().configure(trainer);
            new EngineWorker(broadcast, plan).train(trainer, block);
            workers[block.partition()] = trainer.capture().values();
            for (int i = 0; i < mean.length; i++) {
                mean[i] += workers[block.partition()][i] / 2.0;
            }
        }
        float[] expected = new float[mean.length];
        for (int i = 0; i < mean.length; i++) {
            expected[i] = (float) mean[i];
        }
        GanState.Layout layout = averaged.layout();
        int gUpdaterStart = (int) layout.gParams();
        int gUpdaterEnd = gUpdaterStart + (int) layout.gUpdater();
        assertTrue(layout.gUpdater() > 0 && layout.dUpdater() > 0, "Adam state is part of the average");
        // the workers' Adam moments differ, so matching their mean is not trivially satisfied
        assertMoved(
                java.util.Arrays.copyOfRange(workers[0], gUpdaterStart, gUpdaterEnd),
                java.util.Arrays.copyOfRange(workers[1], gUpdaterStart, gUpdaterEnd),
                0,
                gUpdaterEnd - gUpdaterStart,
                1e-9);
        assertClose(expected, averaged.values(), 1e-6);
        assertEquals(config.averagingEvery, averaged.generatorIterations());
    }

    private List<ShardBlock> blocks(int workers) {
        return blocks(data, workers);
    }

    private List<ShardBlock> blocks(String data, int workers) {
        ImageDataset dataset = DatasetReader.read(spark, data);
        return ShardLoader.load(dataset, workers).collect();
    }

    static GanModelConfig mnistModel(TrainConfig config) {
        GanModelConfig model = config.model.copy();
        model.height = 28;
        model.width = 28;
        model.channels = 1;
        model.seed = config.seed; // as the trainer sets it
        return model;
    }

    @Test
    void twoDiscriminatorStepsPerGeneratorStepWithHingeLossAndAugmentationTrainOnSpark() throws Exception {
        TrainConfig config =
                TrainingFixtures.tinyRun(data, runs.resolve("controls").toString());
        config.kimg = TrainingFixtures.kimgFor(config, 2, 2);
        config.model.dSteps = 2;
        config.model.loss = GanLoss.HINGE;
        config.model.augment = DiffAugment.parse("color,translation,cutout");
        TrainingFixtures.train(spark, config, TrainingMaster.Start.NEW);
        GanState state = TrainingFixtures.latestState(spark, config.runDir);
        assertEquals(2 * config.averagingEvery, state.discriminatorIterations());
        assertEquals(config.averagingEvery, state.generatorIterations());
        for (float v : state.values()) {
            assertTrue(Float.isFinite(v));
        }
    }

    static RoundPlan plan(TrainConfig config, GanModelConfig model, long firstStep, int steps) throws Exception {
        return new RoundPlan(
                config.seed,
                firstStep,
                steps,
                config.batchPerWorker,
                28,
                28,
                1,
                false,
                model.labelWidth(),
                1,
                // a round of two workers, at their scaled rates
                new GanTrainerSpec(
                        Json.MAPPER.writeValueAsString(model),
                        model.lrG * config.learningRateScale(2),
                        model.lrD * config.learningRateScale(2),
                        config.seed,
                        (long) config.batchPerWorker * 2));
    }
}
