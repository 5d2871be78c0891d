package io.sparkgan.jobs.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import org.junit.jupiter.api.Test;

/** The report's smoothing and the alt texts its charts get. */
class LineChartTest {

    /** TensorBoard's debiased average: a flat curve stays flat from its first point, a step is followed gradually. */
    @Test
    void smoothingIsADebiasedMovingAverageThatSkipsMissingValues() {
        assertArrayEquals(new double[] {2, 2, 2}, LineChart.smooth(new double[] {2, 2, 2}, 0.9), 1e-12);
        assertArrayEquals(
                new double[] {0, 0, 10 * 0.5 / 0.875, 10 * 0.75 / 0.9375},
                LineChart.smooth(new double[] {0, 0, 10, 10}, 0.5),
                1e-12);
        double[] gap = LineChart.smooth(new double[] {4, Double.NaN, 4}, 0.5);
        assertTrue(Double.isNaN(gap[1]));
        assertEquals(4, gap[2], 1e-12);
    }

    @Test
    void theDescriptionGivesEachLinesRangeAndLastValueAndTheMarkers() {
        LineChart chart = new LineChart("Losses", "loss")
                .line("D loss", new double[] {1, 2, 3}, new double[] {1.5, Double.NaN, 1.25})
                .line("G loss", new double[] {1, 2, 3}, new double[] {0.5, 0.75, 0.625})
                .marker(2, "best", Color.GREEN);
        assertEquals(
                "Losses against kimg, 1 to 3 kimg: D loss from 1.25 to 1.50, last 1.25; G loss from 0.500 to 0.750,"
                        + " last 0.625; best marked at 2",
                chart.description("kimg", "kimg"));
        assertTrue(chart.smoothed(0.9).description("kimg", "kimg").endsWith("(lines smoothed, weight 0.9)"));
    }
}
