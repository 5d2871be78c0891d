package io.sparkgan.data;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The local Spark session a test class shares: two cores, no UI, few shuffle partitions. */
final class TestSpark {

    private TestSpark() {}

    static SparkSession start() {
        return start(Map.of());
    }

    static SparkSession start(Map<String, String> extraConf) {
        SparkSession.Builder builder = SparkSession.builder()
                .master("local[2]")
                .appName("data-prep tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2");
        extraConf.forEach(builder::config);
        return builder.getOrCreate();
    }
}
