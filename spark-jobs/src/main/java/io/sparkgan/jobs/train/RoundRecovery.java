package io.sparkgan.jobs.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.jobs.engine.EngineWorker;
import io.sparkgan.jobs.engine.WorkerResult;
import io.sparkgan.jobs.run.CheckpointStore;
import io.sparkgan.jobs.run.MetricsLog;
import io.sparkgan.model.Json;
import io.sparkgan.model.state.GanCheckpoint;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the driver does when training goes wrong, in one place: a round whose result is not finite is rejected
 * and redone at lowered learning rates (or the run stops after too many), and a collapse rolls the run back to a
 * checkpoint at lowered rates. Every rate change goes through {@link #setLearningRates}: the run's model config
 * holds the current rates, which the next round's plan carries to the executors and the next checkpoint stores.
 */
final class RoundRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(RoundRecovery.class);

    private final TrainConfig config;
    private final RunProgress progress;
    private final MetricsLog rejectedLog;
    private final DriverNetworks networks;

    RoundRecovery(TrainConfig config, RunProgress progress, MetricsLog rejectedLog, DriverNetworks networks) {
        this.config = config;
        this.progress = progress;
        this.rejectedLog = rejectedLog;
        this.networks = networks;
    }

    /** Why a round's result may not be kept (a worker's or the average's NaN or infinity), or null. */
    static String nonFinite(WorkerResult result, float[] averaged) {
        if (!result.nonFinite().isEmpty()) {
            return "the workers of partitions " + result.nonFinite() + " produced non-finite losses or parameters";
        }
        if (!EngineWorker.allFinite(averaged)) {
            return "the averaged parameters are not finite";
        }
        return null;
    }

    /**
     * Records a rejected round and lowers both learning rates for its retry, or stops the run when it has used up
     * its rejections. Nothing of the round is kept: the last state stays the one before it.
     */
    void reject(long round, String fault) throws IOException {
        progress.rejectedRounds++;
        double[] lowered = config.loweredLearningRates();
        long step = progress.stepAfter(round);
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("round", round);
        line.put("step", step);
        line.put("reason", fault);
        line.put("rejection", progress.rejectedRounds);
        if (progress.rejectedRounds > config.maxRejectedRounds) {
            line.put("action", "stop");
            rejectedLog.append(line);
            throw new TrainingDiverged("round " + round + " (step " + step + ") rejected: " + fault
                    + "; that is " + progress.rejectedRounds + " rejected rounds, more than --max-rejected-rounds "
                    + config.maxRejectedRounds + ": stopped. The latest checkpoint is the last good state;"
                    + " lower the learning rates or check the data before resuming");
        }
        line.put("action", "retry");
        line.put("lrG", lowered[0]);
        line.put("lrD", lowered[1]);
        rejectedLog.append(line);
        LOG.warn(
                "round {} rejected: {}; redone from the state before it with learning rates G {} D {}"
                        + " ({} of {} rejections allowed)",
                round,
                fault,
                lowered[0],
                lowered[1],
                progress.rejectedRounds,
                config.maxRejectedRounds);
        setLearningRates(lowered[0], lowered[1]);
    }

    /**
     * Restarts from checkpoint {@code to} (the best, or the latest when none is marked, as the evaluation log
     * records it) with the given rates. The lowered rates are in the model config of every later checkpoint, and
     * until the next one the evaluation log's line lets a resumed run redo the rollback.
     */
    void rollBack(CheckpointStore<GanCheckpoint> checkpoints, long to, double lrG, double lrD) throws IOException {
        networks.load(checkpoints.load(to));
        setLearningRates(lrG, lrD);
        LOG.warn("rolled back to checkpoint {}; learning rates now G {} D {}", to, lrG, lrD);
    }

    /** The run's learning rates from now on (the driver's networks hold them too, for their checkpoints). */
    void setLearningRates(double lrG, double lrD) {
        config.model.lrG = lrG;
        config.model.lrD = lrD;
        networks.generator.setLearningRate(lrG);
        networks.discriminator.setLearningRate(lrD);
    }
}
