package io.sparkgan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkgan.model.sampling.ClassLayout;
import io.sparkgan.model.sampling.DiscriminatorRejection;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exact class counts for generated sets, spread evenly over the sample ids; and D's rejection choice. */
class ClassLayoutTest {

    @Test
    void sharesBecomeExactCountsByLargestRemainder() {
        assertArrayEquals(new long[] {500, 0, 300, 200}, ClassLayout.apportion(new double[] {0.5, 0, 0.3, 0.2}, 1000));
        assertArrayEquals(new long[] {34, 33, 33}, ClassLayout.apportion(new double[] {1, 1, 1}, 100));
        assertArrayEquals(new long[] {1, 2}, ClassLayout.apportion(new double[] {0.4, 0.6}, 3));
        assertThrows(IllegalArgumentException.class, () -> ClassLayout.apportion(new double[] {0, 0}, 5));
        assertThrows(IllegalArgumentException.class, () -> ClassLayout.apportion(new double[] {-1, 2}, 5));
    }

    @Test
    void everyClassGetsExactlyItsCountAndEveryWindowOfIdsNearlyItsShare() {
        long[] counts = {5000, 0, 3000, 1999, 1};
        ClassLayout layout = ClassLayout.of(counts);
        int total = 10_000;
        long[] seen = new long[counts.length];
        int[] labels = layout.labels(0, total);
        for (int label : labels) {
            seen[label]++;
        }
        assertArrayEquals(counts, seen);
        // any 256 consecutive ids hold each class within a few samples of its share (contiguous runs would not)
        for (int start = 0; start + 256 <= total; start += 97) {
            long[] window = new long[counts.length];
            for (int i = start; i < start + 256; i++) {
                window[labels[i]]++;
            }
            for (int c = 0; c < counts.length; c++) {
                double expected = 256.0 * counts[c] / total;
                assertTrue(
                        Math.abs(window[c] - expected) <= 4,
                        "class " + c + " in ids " + start + "..: " + window[c] + " vs " + expected);
            }
        }
        assertEquals(layout.label(1234), ClassLayout.of(counts).label(1234), "a function of the id alone");
        assertThrows(IndexOutOfBoundsException.class, () -> layout.label(total));
    }

    @Test
    void smallAndPrimeTotalsAreCoveredToo() {
        for (int total : new int[] {1, 2, 3, 7, 10, 97, 256}) {
            ClassLayout layout = ClassLayout.ofShares(new double[] {1, 1, 1}, total);
            long[] seen = new long[3];
            for (int id = 0; id < total; id++) {
                seen[layout.label(id)]++;
            }
            assertArrayEquals(layout.counts(), seen, "total " + total);
        }
    }

    @Test
    void rejectionKeepsTheHighestScoresInIdOrder() {
        assertArrayEquals(new int[] {1, 3}, DiscriminatorRejection.highest(new double[] {0.1, 0.9, 0.2, 0.8}, 2));
        assertArrayEquals(
                new int[] {0, 2},
                DiscriminatorRejection.highest(new double[] {0.5, 0.1, 0.5}, 2),
                "ties to the lower index");
        assertEquals(4, DiscriminatorRejection.candidates(1, 0.25));
        assertEquals(10, DiscriminatorRejection.candidates(3, 0.3));
        Set<Integer> kept = new HashSet<>();
        for (int i : DiscriminatorRejection.highest(new double[] {3, 2, 1}, 3)) {
            kept.add(i);
        }
        assertEquals(Set.of(0, 1, 2), kept);
    }
}
