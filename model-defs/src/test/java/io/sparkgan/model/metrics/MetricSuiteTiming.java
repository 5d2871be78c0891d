package io.sparkgan.model.metrics;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * How long the metrics of one evaluation take on the driver (docs/PERFORMANCE.md, "Evaluation during training"):
 * {@link MetricSuite#compare} of N generated against N real feature vectors of D dimensions, the real reference's
 * radii computed once beforehand as a run caches them. Not part of the suite (its name matches no test pattern):
 * {@code mvn -B -o -q -pl model-defs test -Dtest=MetricSuiteTiming -Dtiming.n=10000 -Dtiming.d=128}.
 */
class MetricSuiteTiming {

    @Test
    void timeOneEvaluationsMetrics() {
        int n = Integer.getInteger("timing.n", 10000);
        int d = Integer.getInteger("timing.d", 128);
        Random random = new Random(1);
        double[][] real = new double[n][d];
        double[][] generated = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                real[i][j] = random.nextGaussian();
                generated[i][j] = random.nextGaussian() * 1.1 + 0.05;
            }
        }
        RealReference reference = new RealReference(FeatureStatistics.of(real), real, null);
        reference.radii(n, MetricSuite.K);
        for (int repeat = 0; repeat < 3; repeat++) {
            long start = System.nanoTime();
            SampleMetrics metrics = MetricSuite.compare(reference, new FeatureSet(generated, null), 7);
            System.out.printf(
                    "metrics of %d x %d: %.2f s (FID %.4f, precision %.4f, recall %.4f, density %.4f, coverage %.4f)%n",
                    n,
                    d,
                    (System.nanoTime() - start) / 1e9,
                    metrics.fid(),
                    metrics.precision(),
                    metrics.recall(),
                    metrics.density(),
                    metrics.coverage());
        }
        long t0 = System.nanoTime();
        FeatureStatistics.of(generated);
        long t1 = System.nanoTime();
        KernelInceptionDistance.between(real, generated, MetricSuite.KID_SUBSETS, MetricSuite.KID_SUBSET_SIZE, 7);
        long t2 = System.nanoTime();
        double[] radii = NearestNeighbours.radii(generated, MetricSuite.K);
        long t3 = System.nanoTime();
        NearestNeighbours.cross(real, reference.radii(n, MetricSuite.K), generated, radii);
        long t4 = System.nanoTime();
        System.out.printf(
                "parts: statistics %.2f s, KID %.2f s, generated radii %.2f s, real-generated pass %.2f s%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9);
    }
}
