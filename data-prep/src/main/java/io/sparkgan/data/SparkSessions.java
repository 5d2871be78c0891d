package io.sparkgan.data;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/** How sparkgan commands get their SparkSession, under spark-submit or on their own. */
public final class SparkSessions {

    /** The master when neither an option nor spark-submit names one. */
    public static final String LOCAL_MASTER = "local[*]";

    /** Where a standalone worker puts the secret for the processes it launches (Spark's SecurityManager). */
    private static final String WORKER_SECRET_ENV = "_SPARK_AUTH_SECRET";

    private SparkSessions() {}

    /** {@link #getOrCreate(String, String, Map, String)} with a command's {@code --master}, {@code --conf}, {@code --name}. */
    public static SparkSession getOrCreate(String appName, SparkOptions options) {
        return getOrCreate(appName, options.master, options.conf, options.name);
    }

    public static SparkSession getOrCreate(String appName, String master) {
        return getOrCreate(appName, master, Map.of(), null);
    }

    /**
     * The session already running in this JVM (a test, a notebook), as is; otherwise a new one.
     *
     * @param defaultName the application's name unless {@code name} or spark-submit's {@code --name} gives one
     * @param master the master to use, or null for the Spark conf's {@code spark.master} (which spark-submit
     *     sets) and failing that {@link #LOCAL_MASTER}
     * @param settings Spark settings that win over spark-submit's ({@code --conf})
     * @param name the application's name ({@code --name}), or null
     */
    public static SparkSession getOrCreate(
            String defaultName, String master, Map<String, String> settings, String name) {
        if (SparkSession.getDefaultSession().isDefined()) {
            return SparkSession.getDefaultSession().get();
        }
        SparkConf conf = sparkConf(defaultName, master, settings, name);
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        if (spark.sparkContext().uiWebUrl().isDefined()) {
            System.err.println("Spark UI: " + spark.sparkContext().uiWebUrl().get());
        }
        return spark;
    }

    /**
     * The Hadoop configuration that storage is read with: the running session's, or for a command without one the
     * {@code spark.hadoop.*} settings as Spark would apply them.
     */
    public static Configuration hadoopConfiguration(SparkOptions options) {
        if (SparkSession.getDefaultSession().isDefined()) {
            return SparkSession.getDefaultSession().get().sparkContext().hadoopConfiguration();
        }
        Configuration hadoop = new Configuration();
        for (Tuple2<String, String> setting : sparkConf("sparkgan", options.master, options.conf, options.name)
                .getAllWithPrefix("spark.hadoop.")) {
            hadoop.set(setting._1(), setting._2());
        }
        return hadoop;
    }

    private static SparkConf sparkConf(String defaultName, String master, Map<String, String> settings, String name) {
        // new SparkConf() reads the spark.* system properties, which is how spark-submit passes its settings.
        SparkConf conf = new SparkConf();
        settings.forEach((key, value) -> {
            if (!key.startsWith("spark.")) {
                throw new IllegalArgumentException("--conf takes Spark settings (spark.*=value), got '" + key + "'");
            }
            conf.set(key, value);
        });
        // spark-submit names an application after its main class unless given --name
        String submitted = conf.get("spark.app.name", "");
        conf.setAppName(
                name != null
                        ? name
                        : submitted.isEmpty() || submitted.startsWith("io.sparkgan.") ? defaultName : submitted);
        conf.setMaster(master != null ? master : conf.get("spark.master", LOCAL_MASTER));
        // A standalone worker hands a cluster-mode driver the cluster's secret in the environment only, and the
        // driver's SecurityManager then refuses to start without it in the conf (Spark 3.5).
        String secretFromWorker = System.getenv(WORKER_SECRET_ENV);
        if (conf.getBoolean("spark.authenticate", false)
                && !conf.contains("spark.authenticate.secret")
                && secretFromWorker != null) {
            conf.set("spark.authenticate.secret", secretFromWorker);
        }
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
        return conf;
    }
}
