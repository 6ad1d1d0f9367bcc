package io.t4j.spark;

import io.t4j.models.PretrainedOptions;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The executor-side half of a {@link T4jTransformer}: a serializable value holding the transformer's settings, which
 * loads the task's pipeline from a local folder, reads a row's input and turns a batch of inputs into output values.
 * A new task (token classification, question answering) is one transformer class whose {@code inferenceTask()}
 * returns one of these.
 *
 * @param <P> the pipeline (loaded once per executor JVM and shared by its tasks)
 * @param <I> one row's input (a text; a question and a context)
 */
public interface InferenceTask<P, I> extends Serializable {
    /** The pipeline's task name (HF's: {@code text-classification}); with the model and dtype, the executor's cache key. */
    String task();

    /** Loads the pipeline from {@code modelDir}, a local folder. */
    P load(Path modelDir, PretrainedOptions options);

    /** The input of {@code row}, or null when the row has none (a null text): its output is null. */
    I input(Row row);

    /** One output per input, in order, as Spark external values of the transformer's output type. */
    List<Object> apply(P pipeline, List<I> inputs);
}
