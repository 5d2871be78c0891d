package io.sparkgan.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on flat network states (parameters, optimizer states) that float sums in another order leave close. */
public final class StateAssertions {

    private StateAssertions() {}

    public static void assertMoved(float[] before, float[] after, int from, int to) {
        assertMoved(before, after, from, to, 1e-4);
    }

    public static void assertMoved(float[] before, float[] after, int from, int to, double atLeast) {
        double moved = 0;
        for (int i = from; i < to; i++) {
            moved = Math.max(moved, Math.abs(after[i] - before[i]));
        }
        assertTrue(moved > atLeast, "values differ by only " + moved);
    }

    /**
     * Element-wise |a - b| <= tolerance * max(|a|, |b|), with a floor of tolerance * 1e-2 * max|expected| for values
     * near zero, where float sums in a different order differ by more than their own relative precision.
     */
    public static void assertClose(float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double bound = tolerance * Math.max(Math.max(Math.abs(expected[i]), Math.abs(actual[i])), 1e-2 * scale);
            if (Math.abs(expected[i] - actual[i]) > bound) {
                throw new AssertionError("value " + i + ": expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
