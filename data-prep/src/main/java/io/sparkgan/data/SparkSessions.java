package io.sparkgan.data;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** How sparkgan commands get their SparkSession, under spark-submit or on their own. */
public final class SparkSessions {

    /** The master when neither an option nor spark-submit names one. */
    public static final String LOCAL_MASTER = "local[*]";

    private SparkSessions() {}

    /**
     * The session already running in this JVM (a test, a notebook), as is; otherwise a new one.
     *
     * @param master the master to use, or null for the Spark conf's {@code spark.master} (which spark-submit
     *     sets) and failing that {@link #LOCAL_MASTER}
     */
    public static SparkSession getOrCreate(String appName, String master) {
        if (SparkSession.getDefaultSession().isDefined()) {
            return SparkSession.getDefaultSession().get();
        }
        // new SparkConf() reads the spark.* system properties, which is how spark-submit passes its settings.
        SparkConf conf = new SparkConf().setAppName(appName);
        conf.setMaster(master != null ? master : conf.get("spark.master", LOCAL_MASTER));
        // A command-line job has no use for the web UI; it costs start-up time and a port.
        conf.setIfMissing("spark.ui.enabled", "false");
        // A training round's task result is a whole GAN state (11 MB for the demo's DCGAN). Results up to the RPC
        // message limit travel with the task's status; above the default 1 MB Spark stores them in the block manager
        // and the driver fetches them, which cost 20-80 ms per task and round (docs/PERFORMANCE.md).
        long rpcMessageMiB = conf.getSizeAsMb("spark.rpc.message.maxSize", "128m");
        conf.setIfMissing("spark.task.maxDirectResultSize", (rpcMessageMiB - 1) + "m");
        // What sparkgan broadcasts is float parameters and optimizer state, which lz4 leaves at 1.001 of their size;
        // compressing and decompressing them was a quarter of a round's overhead with executors in their own JVMs.
        conf.setIfMissing("spark.broadcast.compress", "false");
        if (conf.get("spark.master").startsWith("local")) {
            // The default of 200 shuffle partitions is made for clusters; on one machine it is mostly task overhead.
            conf.setIfMissing(
                    "spark.sql.shuffle.partitions",
                    String.valueOf(Runtime.getRuntime().availableProcessors()));
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
