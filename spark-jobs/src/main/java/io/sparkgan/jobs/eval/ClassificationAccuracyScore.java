package io.sparkgan.jobs.eval;

import io.sparkgan.data.ImageDataset;
import org.apache.spark.sql.SparkSession;

/**
 * The classification accuracy score (CAS, Ravuri and Vinyals 2019) of labelled images, generated or another
 * dataset's: the evaluator's classifier network trained on those images only, with train-evaluator's defaults,
 * and its accuracy on the real test split. Near the accuracy of the classifier trained on real data when the
 * images carry their classes as well as real ones do.
 */
public final class ClassificationAccuracyScore {

    /** train-evaluator's default epochs and batch. */
    static final int EPOCHS = 3;

    static final int BATCH = 64;

    private ClassificationAccuracyScore() {}

    /** The accuracy on {@code realTest} of a classifier trained on {@code training} alone. */
    public static double of(SparkSession spark, ImageDataset training, ImageDataset realTest, long seed)
            throws Exception {
        return EvaluatorTrainer.train(
                        spark,
                        training,
                        realTest,
                        EPOCHS,
                        BATCH,
                        spark.sparkContext().defaultParallelism(),
                        seed)
                .testAccuracy();
    }
}
