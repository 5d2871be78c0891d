package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {

    @Test
    void startsALocalSessionWithoutUiAndReusesIt() {
        SparkSession spark = SparkSessions.getOrCreate("sessions test", "local[1]");
        try {
            assertEquals("local[1]", spark.sparkContext().master());
            assertEquals("sessions test", spark.sparkContext().appName());
            assertEquals("false", spark.conf().get("spark.ui.enabled"));
            assertEquals(
                    String.valueOf(Runtime.getRuntime().availableProcessors()),
                    spark.conf().get("spark.sql.shuffle.partitions"));
            // a GAN state of up to 127 MB comes back with the task's status, not through the block manager
            assertEquals(127L << 20, spark.sparkContext().conf().getSizeAsBytes("spark.task.maxDirectResultSize"));
            assertEquals("false", spark.conf().get("spark.broadcast.compress"));
            assertSame(spark, SparkSessions.getOrCreate("another", "local[2]"));
        } finally {
            spark.stop();
        }
    }

    @Test
    void takesTheMasterThatSparkSubmitSets() {
        // spark-submit passes its settings to the driver as spark.* system properties
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "true");
        System.setProperty("spark.ui.port", "0");
        System.setProperty("spark.broadcast.compress", "true");
        SparkSession spark = SparkSessions.getOrCreate("sessions test", null);
        try {
            assertEquals("local[2]", spark.sparkContext().master());
            assertEquals("true", spark.conf().get("spark.ui.enabled"));
            assertEquals("true", spark.conf().get("spark.broadcast.compress"), "a setting given is kept");
        } finally {
            spark.stop();
            System.clearProperty("spark.master");
            System.clearProperty("spark.ui.enabled");
            System.clearProperty("spark.ui.port");
            System.clearProperty("spark.broadcast.compress");
        }
    }
}
