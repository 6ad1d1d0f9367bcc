package io.t4j.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] Spark session for the module's tests (Spark allows one SparkContext per JVM). */
final class SparkSessions {
    private static SparkSession spark;

    private SparkSessions() {}

    static synchronized SparkSession local2() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("t4j-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.hadoop.fs." + RemoteTestFileSystem.SCHEME + ".impl", RemoteTestFileSystem.class.getName())
                    .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
        }
        return spark;
    }
}
