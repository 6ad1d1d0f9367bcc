package io.t4j.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Counters for {@code GET /metrics} in Prometheus' text format: requests by path and status, batches and their
 * sizes per queue, and each queue's current depth.
 */
public final class Metrics {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, IntSupplier> gauges = new ConcurrentHashMap<>();

    /** One answered request. */
    public void request(String path, int status) {
        add("t4j_requests_total{path=\"" + path + "\",status=\"" + status + "\"}", 1);
    }

    /** One batch run by {@code queue}: how many requests it merged and how many texts it held. */
    public void batch(String queue, int requests, int texts) {
        add("t4j_batches_total{queue=\"" + queue + "\"}", 1);
        add("t4j_batch_requests_total{queue=\"" + queue + "\"}", requests);
        add("t4j_batch_inputs_total{queue=\"" + queue + "\"}", texts);
    }

    /** Requests of {@code queue} rejected with 503. */
    public void rejected(String queue) {
        add("t4j_rejected_total{queue=\"" + queue + "\"}", 1);
    }

    /** Reports {@code depth} (requests queued or running) as {@code t4j_queue_size{queue=...}}. */
    public void queueSize(String queue, IntSupplier depth) {
        gauges.put("t4j_queue_size{queue=\"" + queue + "\"}", depth);
    }

    /** The value of one counter (0 if never counted), e.g. {@code t4j_batches_total{queue="encoder"}}. */
    public long counter(String series) {
        LongAdder a = counters.get(series);
        return a == null ? 0 : a.sum();
    }

    private void add(String series, long n) {
        counters.computeIfAbsent(series, k -> new LongAdder()).add(n);
    }

    /** Prometheus' text exposition format. */
    public String render() {
        Map<String, String> lines = new TreeMap<>();
        counters.forEach((k, v) -> lines.put(k, Long.toString(v.sum())));
        gauges.forEach((k, v) -> lines.put(k, Integer.toString(v.getAsInt())));
        StringBuilder sb = new StringBuilder();
        String lastName = "";
        for (var e : lines.entrySet()) {
            String name = e.getKey().substring(0, e.getKey().indexOf('{'));
            if (!name.equals(lastName)) {
                sb.append("# TYPE ").append(name).append(name.endsWith("_total") ? " counter\n" : " gauge\n");
                lastName = name;
            }
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }
}
