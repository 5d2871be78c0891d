package io.sparkgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {

    @Test
    void startsALocalSessionAndReusesIt() {
        SparkSession spark = SparkSessions.getOrCreate("sessions test", "local[1]");
        try {
            assertEquals("local[1]", spark.sparkContext().master());
            assertEquals("sessions test", spark.sparkContext().appName());
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
    void showsTheSparkUiAndTakesConfAndNameFromTheCommandLine() {
        // the tests' JVMs turn the UI off (pom.xml); a user's command has it unless a setting says otherwise
        String testsUi = System.clearProperty("spark.ui.enabled");
        // what spark-submit without --name gives: the main class
        System.setProperty("spark.app.name", "io.sparkgan.jobs.cli.SparkGanCli");
        SparkOptions options = new SparkOptions();
        options.master = "local[1]";
        options.conf.put("spark.ui.port", "0");
        options.conf.put("spark.sql.shuffle.partitions", "3");
        SparkSession spark = SparkSessions.getOrCreate("sparkgan train", options);
        try {
            assertTrue(spark.sparkContext().uiWebUrl().isDefined(), "the Spark UI runs");
            assertEquals("sparkgan train", spark.sparkContext().appName(), "the command's name, not the class's");
            assertEquals("3", spark.conf().get("spark.sql.shuffle.partitions"), "--conf wins over the default");
        } finally {
            spark.stop();
            System.clearProperty("spark.app.name");
            System.setProperty("spark.ui.enabled", testsUi);
        }
        options.name = "nightly-retrain";
        spark = SparkSessions.getOrCreate("sparkgan train", options);
        try {
            assertEquals("nightly-retrain", spark.sparkContext().appName());
        } finally {
            spark.stop();
        }
        options.conf.put("ui.port", "0");
        IllegalArgumentException notSpark = assertThrows(
                IllegalArgumentException.class, () -> SparkSessions.getOrCreate("sparkgan train", options));
        assertTrue(notSpark.getMessage().contains("--conf takes Spark settings"), notSpark.getMessage());
    }

    @Test
    void takesTheMasterThatSparkSubmitSets() {
        // spark-submit passes its settings to the driver as spark.* system properties
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "true");
        System.setProperty("spark.ui.port", "0");
        System.setProperty("spark.broadcast.compress", "true");
        SparkSession spark = SparkSessions.getOrCreate("sessions test", (String) null);
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
