package io.sparkgan.jobs;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/** Base of test classes that share the local Spark session and the 64-image MNIST dataset. */
public abstract class LocalSparkTest {

    protected static SparkSession spark;
    protected static String data;

    @BeforeAll
    static void startLocalSpark() {
        spark = TestData.localSpark();
        data = TestData.mnist(64);
    }
}
