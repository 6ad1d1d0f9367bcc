package io.t4j.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under the scheme {@code t4jremote://}, registered in the tests' Spark conf as
 * {@code spark.hadoop.fs.t4jremote.impl}: to Hadoop and to {@link ModelSource} it is a remote filesystem (its models
 * are copied to the executor cache), so the copy path runs without HDFS.
 */
public final class RemoteTestFileSystem extends RawLocalFileSystem {
    static final String SCHEME = "t4jremote";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }
}
