package io.sparkgan.jobs.generate;

import io.sparkgan.data.DatasetException;
import io.sparkgan.data.DatasetManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;

/**
 * The class mix a {@code --classes} value asks of a conditional generator: {@code uniform} (over the classes the
 * training data has images of), {@code real} (the
 * class frequencies of the run's training data) or explicit shares per label name or index
 * ({@code "0:0.5,3:0.5"}, summing to 1; unnamed classes get none).
 *
 * @param spec       the value as given (uniform when none was)
 * @param labelNames label index to name, from the training data's manifest (the indexes when it is gone)
 * @param shares     per class, summing to 1
 */
public record ClassMix(String spec, List<String> labelNames, double[] shares) {

    public static ClassMix parse(String spec, int classes, String trainingData, Configuration conf) {
        String value = spec == null ? "uniform" : spec.trim();
        DatasetManifest manifest = null;
        try {
            manifest = DatasetManifest.read(trainingData, conf);
        } catch (DatasetException e) {
            if (value.equals("real")) {
                throw new IllegalArgumentException(
                        "--classes real needs the run's training data, but: " + e.getMessage());
            }
        }
        List<String> names = manifest != null && manifest.numClasses() == classes
                ? manifest.labelNames()
                : IntStream.range(0, classes).mapToObj(Integer::toString).toList();
        double[] shares = new double[classes];
        switch (value) {
            case "uniform" -> uniform(manifest, shares);
            case "real" -> {
                if (manifest.numClasses() != classes) {
                    throw new IllegalArgumentException("--classes real: " + trainingData + " has "
                            + manifest.numClasses() + " classes, the generator " + classes);
                }
                long total = manifest.classCounts().stream()
                        .mapToLong(Long::longValue)
                        .sum();
                for (int c = 0; c < classes; c++) {
                    shares[c] = manifest.classCounts().get(c) / (double) total;
                }
            }
            default -> explicit(value, names, shares);
        }
        return new ClassMix(value, names, shares);
    }

    /** Every class alike; when the training data is known, only those classes it has images of. */
    private static void uniform(DatasetManifest manifest, double[] shares) {
        boolean known = manifest != null
                && manifest.labelled()
                && manifest.numClasses() == shares.length
                && manifest.classCounts().stream().anyMatch(c -> c > 0);
        long present =
                known ? manifest.classCounts().stream().filter(c -> c > 0).count() : shares.length;
        for (int c = 0; c < shares.length; c++) {
            shares[c] = !known || manifest.classCounts().get(c) > 0 ? 1.0 / present : 0;
        }
    }

    private static void explicit(String value, List<String> names, double[] shares) {
        List<Integer> seen = new ArrayList<>();
        double sum = 0;
        for (String part : value.split(",")) {
            String[] kv = part.split(":");
            if (kv.length != 2) {
                throw bad(value, "'" + part + "' is not LABEL:SHARE");
            }
            int c = classOf(kv[0].trim(), names, value);
            if (seen.contains(c)) {
                throw bad(value, "class " + names.get(c) + " is given twice");
            }
            seen.add(c);
            double share;
            try {
                share = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                throw bad(value, "'" + kv[1].trim() + "' is not a number");
            }
            if (!(share >= 0 && share <= 1)) {
                throw bad(value, "share " + kv[1].trim() + " of class " + names.get(c) + " is outside [0, 1]");
            }
            shares[c] = share;
            sum += share;
        }
        if (Math.abs(sum - 1) > 1e-3) {
            throw bad(value, "the shares sum to " + sum + ", not 1");
        }
        for (int c = 0; c < shares.length; c++) {
            shares[c] /= sum;
        }
    }

    private static int classOf(String label, List<String> names, String value) {
        int byName = names.indexOf(label);
        if (byName >= 0) {
            return byName;
        }
        try {
            int index = Integer.parseInt(label);
            if (index >= 0 && index < names.size()) {
                return index;
            }
        } catch (NumberFormatException ignored) {
            // not an index either
        }
        throw bad(value, "no class '" + label + "'; the classes are " + names);
    }

    private static IllegalArgumentException bad(String value, String why) {
        return new IllegalArgumentException("--classes \"" + value + "\": " + why);
    }
}
