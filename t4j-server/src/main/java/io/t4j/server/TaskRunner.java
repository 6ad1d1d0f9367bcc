package io.t4j.server;

/**
 * What the server runs for one task (classify, embed, generate, zero-shot) over the one loaded model: a pipeline and
 * the jobs its endpoint queues. Runners share the model's weights; the {@link ServedModel} owns them.
 */
public interface TaskRunner {
    /** The task's name in {@code GET /v1/models} ({@code classify}, {@code embed}, ...). */
    String task();
}
