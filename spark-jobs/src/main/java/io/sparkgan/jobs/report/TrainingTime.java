package io.sparkgan.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A wall-clock axis for a run: the time at the end of each round and of each evaluation, adding up the seconds the
 * logs record (each round's, each evaluation's after its round). Pauses between a stop and a resume are left out,
 * so a resumed run's axis shows the time it trained, not the calendar.
 */
final class TrainingTime {

    private final double[] afterRounds;
    private final double[] afterEvaluations;
    private final double divisor;
    private final String unit;

    TrainingTime(List<JsonNode> rounds, List<JsonNode> evaluations) {
        afterRounds = new double[rounds.size()];
        afterEvaluations = new double[evaluations.size()];
        double seconds = 0;
        int evaluation = 0;
        for (int i = 0; i < rounds.size(); i++) {
            long round = rounds.get(i).path("round").asLong();
            // evaluations after earlier rounds took their time before this round
            while (evaluation < evaluations.size()
                    && evaluations.get(evaluation).path("round").asLong() < round) {
                seconds += seconds(evaluations.get(evaluation));
                afterEvaluations[evaluation++] = seconds;
            }
            seconds += seconds(rounds.get(i));
            afterRounds[i] = seconds;
        }
        for (; evaluation < evaluations.size(); evaluation++) {
            seconds += seconds(evaluations.get(evaluation));
            afterEvaluations[evaluation] = seconds;
        }
        boolean hours = seconds > 3 * 3600;
        divisor = hours ? 3600 : 60;
        unit = hours ? "hours" : "minutes";
        scale(afterRounds);
        scale(afterEvaluations);
    }

    double[] afterRounds() {
        return afterRounds.clone();
    }

    double[] afterEvaluations() {
        return afterEvaluations.clone();
    }

    String unit() {
        return unit;
    }

    String axisTitle() {
        return "training time (" + unit + ", pauses between starts left out)";
    }

    private void scale(double[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] /= divisor;
        }
    }

    private static double seconds(JsonNode line) {
        double seconds = line.path("seconds").asDouble(0);
        return Double.isFinite(seconds) ? seconds : 0;
    }
}
