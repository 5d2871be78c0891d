package io.sparkgan.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkgan.jobs.engine.WorkerResult;
import io.sparkgan.model.Json;
import java.time.Instant;
import java.util.List;

/**
 * Where a run stands, counted the same way in logs, checkpoints and the summary: global steps from rounds, and
 * the images D has seen over all workers, exactly from the point this session resumed at (the number of workers
 * may have changed there, with {@code --change-workers}).
 */
final class RunProgress {

    private final TrainConfig config;
    /** Images over all workers per round (fixed for a training session, known once the shards are cached). */
    final long imagesPerRound;
    /** The first round of this session and the images D had seen before it (0 for a new run). */
    long firstRound;

    long imagesBefore;
    /** Rounds rejected so far in this run (saved in every checkpoint). */
    int rejectedRounds;

    RunProgress(TrainConfig config, int activeWorkers) {
        this.config = config;
        this.imagesPerRound = (long) activeWorkers * config.averagingEvery * config.batchPerWorker;
    }

    /** Continues from a checkpoint's training state after its round. */
    void resumeAfter(JsonNode trainingState) {
        long round = trainingState.get("round").asLong() + 1;
        // checkpoints from before "images" was stored come from runs whose number of workers never changed
        imagesBefore = trainingState.path("images").asLong(round * imagesPerRound);
        firstRound = round;
        rejectedRounds = trainingState.path("rejectedRounds").asInt(0);
    }

    long stepAfter(long round) {
        return (round + 1) * config.averagingEvery;
    }

    long imagesAfter(long round) {
        return imagesBefore + (round - firstRound + 1) * imagesPerRound;
    }

    double kimgAfter(long round) {
        return imagesAfter(round) / 1000.0;
    }

    /**
     * The round's line of {@code metrics/train.jsonl}: mean losses and D outputs, the trainer's further statistics,
     * timings.
     */
    ObjectNode roundMetrics(long round, WorkerResult result, double seconds, List<String> statisticNames) {
        double steps = Math.max(1, result.steps());
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("round", round);
        line.put("step", stepAfter(round));
        line.put("kimg", kimgAfter(round));
        line.put("dLoss", result.statistic(PairTrainers.D_LOSS) / steps);
        line.put("gLoss", result.statistic(PairTrainers.G_LOSS) / Math.max(1, result.statistic(PairTrainers.G_STEPS)));
        line.put("dReal", result.statistic(PairTrainers.D_REAL) / steps);
        line.put("dFake", result.statistic(PairTrainers.D_FAKE) / steps);
        // a trainer's own statistics after the GAN's (super-resolution's content terms), per step
        for (int i = PairTrainers.G_STEPS + 1; i < statisticNames.size(); i++) {
            line.put(statisticNames.get(i), result.statistic(i) / steps);
        }
        line.put("seconds", seconds);
        line.put("stepSeconds", result.maxComputeSeconds());
        line.put("inputWaitSeconds", result.maxInputWaitSeconds());
        line.put("stateSeconds", result.maxStateSeconds());
        line.put("imagesPerSecond", result.examples() / seconds);
        return line;
    }

    /**
     * A round's line for the user: kimg of the total, images/s, the losses and D's outputs, and a super-resolution
     * run's pixel loss (alone while it trains on the content loss only, where D does not train).
     */
    static String describe(ObjectNode roundLine, double totalKimg) {
        String progress = String.format(
                "%.1f/%.1f kimg, %.0f images/s",
                roundLine.get("kimg").asDouble(),
                totalKimg,
                roundLine.get("imagesPerSecond").asDouble());
        String pixels = roundLine.has("pixelLoss")
                ? String.format(", pixel loss %.4f", roundLine.get("pixelLoss").asDouble())
                : "";
        if (!pixels.isEmpty()
                && roundLine.get("dLoss").asDouble() == 0
                && roundLine.get("dReal").asDouble() == 0) {
            return progress + pixels + " (content loss only)";
        }
        return progress
                + String.format(
                        ", D loss %.3f, G loss %.3f, D(x) %.2f, D(G(z)) %.2f",
                        roundLine.get("dLoss").asDouble(),
                        roundLine.get("gLoss").asDouble(),
                        roundLine.get("dReal").asDouble(),
                        roundLine.get("dFake").asDouble())
                + pixels;
    }

    /** What a checkpoint stores about the run besides the networks. */
    ObjectNode trainingState(String runId, long round) {
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("runId", runId);
        state.put("round", round);
        state.put("step", stepAfter(round));
        state.put("kimg", kimgAfter(round));
        state.put("images", imagesAfter(round));
        state.put("workers", config.workers);
        state.put("seed", config.seed);
        state.put("rejectedRounds", rejectedRounds);
        state.put("savedAt", Instant.now().toString());
        return state;
    }
}
