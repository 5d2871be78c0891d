package io.sparkgan.model.sampling;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which class each of {@code total} generated samples is asked for, with exact counts per class and the classes
 * spread evenly over the sample ids, so any block or partition of ids holds close to the requested mix.
 *
 * <p>Sample id k sits at position (k * stride) mod total of a line on which the classes lie in consecutive runs of
 * their counts. With the stride coprime to total that is a bijection, so the counts are exact; with the stride
 * near total / golden ratio, consecutive ids land far apart and the classes interleave with low discrepancy
 * (the three-distance theorem). Each label is computed from the id alone, on any executor.
 */
public final class ClassLayout implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final double GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;

    private final long[] counts;
    private final long[] ends;
    private final long total;
    private final long stride;

    private ClassLayout(long[] counts) {
        this.counts = counts.clone();
        this.ends = new long[counts.length];
        long sum = 0;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < 0) {
                throw new IllegalArgumentException("class " + c + " has a negative count " + counts[c]);
            }
            sum += counts[c];
            ends[c] = sum;
        }
        if (sum < 1 || sum > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sample count must be in [1, " + Integer.MAX_VALUE + "], got " + sum);
        }
        this.total = sum;
        long s = Math.round(sum * GOLDEN_FRACTION);
        while (gcd(s, sum) != 1) {
            s++;
        }
        this.stride = s;
    }

    /** Exactly {@code counts[c]} samples of class c. */
    public static ClassLayout of(long[] counts) {
        return new ClassLayout(counts);
    }

    /** {@code total} samples over {@code shares.length} classes in proportion to the shares. */
    public static ClassLayout ofShares(double[] shares, long total) {
        return new ClassLayout(apportion(shares, total));
    }

    /**
     * Whole counts summing to {@code total} in proportion to {@code shares} (which need not be normalised):
     * largest remainders, ties to the lower class.
     */
    public static long[] apportion(double[] shares, long total) {
        double sum = Arrays.stream(shares).sum();
        if (!(sum > 0) || Arrays.stream(shares).anyMatch(s -> s < 0 || Double.isNaN(s))) {
            throw new IllegalArgumentException(
                    "class shares must be >= 0 with a positive sum, got " + Arrays.toString(shares));
        }
        long[] counts = new long[shares.length];
        double[] remainders = new double[shares.length];
        long assigned = 0;
        for (int c = 0; c < shares.length; c++) {
            double exact = total * shares[c] / sum;
            counts[c] = (long) Math.floor(exact);
            remainders[c] = exact - counts[c];
            assigned += counts[c];
        }
        for (long left = total - assigned; left > 0; left--) {
            int best = 0;
            for (int c = 1; c < shares.length; c++) {
                if (remainders[c] > remainders[best]) {
                    best = c;
                }
            }
            counts[best]++;
            remainders[best] = -1;
        }
        return counts;
    }

    public int classes() {
        return counts.length;
    }

    public long total() {
        return total;
    }

    /** Samples of class c. */
    public long count(int c) {
        return counts[c];
    }

    public long[] counts() {
        return counts.clone();
    }

    /** The class asked for sample {@code id} in [0, total). */
    public int label(long id) {
        if (id < 0 || id >= total) {
            throw new IndexOutOfBoundsException("sample " + id + " outside [0, " + total + ")");
        }
        // total <= 2^31 and stride < total, so the product fits in a long
        long position = id * stride % total;
        int c = Arrays.binarySearch(ends, position);
        // ends are exclusive: a hit on ends[c] belongs to the next class with samples
        int index = c >= 0 ? c + 1 : -c - 1;
        while (counts[index] == 0) {
            index++;
        }
        return index;
    }

    /** The classes of samples {@code first .. first + size}. */
    public int[] labels(long first, int size) {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = label(first + i);
        }
        return out;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
