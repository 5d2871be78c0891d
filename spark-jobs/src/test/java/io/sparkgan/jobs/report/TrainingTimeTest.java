package io.sparkgan.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkgan.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wall-clock axis: rounds' and evaluations' seconds added up in the order they ran. */
class TrainingTimeTest {

    @Test
    void anEvaluationTakesItsTimeAfterItsRoundAndBeforeTheNext() throws Exception {
        List<JsonNode> rounds = List.of(line(0, 60), line(1, 60), line(2, 60));
        List<JsonNode> evaluations = List.of(line(1, 120), line(2, 30));
        TrainingTime time = new TrainingTime(rounds, evaluations);
        assertEquals("minutes", time.unit());
        assertArrayEquals(new double[] {1, 2, 5}, time.afterRounds(), 1e-12);
        assertArrayEquals(new double[] {4, 5.5}, time.afterEvaluations(), 1e-12);
    }

    @Test
    void longRunsAreDrawnInHours() throws Exception {
        TrainingTime time = new TrainingTime(List.of(line(0, 4 * 3600)), List.of());
        assertEquals("hours", time.unit());
        assertArrayEquals(new double[] {4}, time.afterRounds(), 1e-12);
    }

    private static JsonNode line(long round, double seconds) throws Exception {
        return Json.MAPPER.readTree("{\"round\":" + round + ",\"seconds\":" + seconds + "}");
    }
}
