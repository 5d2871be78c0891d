package io.sparkgan.data;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of test classes that share one local Spark session ({@link TestSpark}) for the class. */
abstract class SparkTest {

    protected static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.start();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }
}
