package io.t4j.models;

import io.t4j.engine.Tensors;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.TokenizerException;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * The typed batch every model forward and the Trainer take: the keyword arguments of HF's {@code model(**batch)}.
 * {@code inputIds} and {@code attentionMask} are int64 [B,T]; {@code tokenTypeIds} is int64 [B,T] or null when the
 * tokenizer returns none (RoBERTa, DistilBERT, decoders).
 *
 * <p>Labels ride under HF's names, each null when the batch has none:
 * <ul>
 *   <li>{@code labels}: int64 [B] for single-label classification, float32 [B] for regression, float32 [B,L] for
 *       multi-label classification, int64 [B,T] for token classification, masked and causal language modelling
 *       (-100 where nothing is predicted);</li>
 *   <li>{@code startPositions}, {@code endPositions}: int64 [B], the answer span of extractive question answering;</li>
 *   <li>{@code nextSentenceLabel}: int64 [B], BERT's next-sentence label (0 = B follows A, 1 = B is random).</li>
 * </ul>
 * Which of them a model reads is its {@code label_names} ({@link ModelWithLoss#labelNames()}).
 *
 * <p>The tensors belong to the {@code PointerScope} of the thread that created them (see DEVELOPERS.md).
 */
public record ModelInputs(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels,
                          Tensor startPositions, Tensor endPositions, Tensor nextSentenceLabel) {
    /** Every label name a batch can carry, in HF's spelling. */
    public static final List<String> LABEL_NAMES = List.of("labels", "start_positions", "end_positions", "next_sentence_label");

    public ModelInputs {
        if (inputIds == null || attentionMask == null) {
            throw new IllegalArgumentException("input_ids and attention_mask are required");
        }
    }

    /** A batch without labels. */
    public ModelInputs(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {
        this(inputIds, attentionMask, tokenTypeIds, null, null, null, null);
    }

    /** A batch with {@code labels} only: what classification and language modelling take. */
    public ModelInputs(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor labels) {
        this(inputIds, attentionMask, tokenTypeIds, labels, null, null, null);
    }

    /** HF's {@code tokenizer(texts, return_tensors="pt")}: the encoding as int64 [B,T] tensors, no labels. */
    public static ModelInputs of(BatchEncoding encoding) {
        if (!encoding.isRectangular()) {
            throw new TokenizerException("the batch has rows of different lengths; encode with padding LONGEST or "
                    + "MAX_LENGTH before making tensors");
        }
        int b = encoding.size();
        int t = b == 0 ? 0 : encoding.inputIds()[0].length;
        return fromArrays(b, t, flatten(encoding.inputIds(), t), flatten(encoding.attentionMask(), t),
                encoding.tokenTypeIds() == null ? null : flatten(encoding.tokenTypeIds(), t));
    }

    /**
     * The tensors of row-major {@code [batch, length]} int arrays ({@code tokenTypeIds} may be null), without labels.
     * Call it on the thread whose PointerScope should own them.
     */
    public static ModelInputs fromArrays(int batch, int length, int[] inputIds, int[] attentionMask, int[] tokenTypeIds) {
        Tensor ids = Tensors.fromIntsAsLong(inputIds, batch, length);
        Tensor mask = Tensors.fromIntsAsLong(attentionMask, batch, length);
        Tensor types = tokenTypeIds == null ? null : Tensors.fromIntsAsLong(tokenTypeIds, batch, length);
        return new ModelInputs(ids, mask, types);
    }

    /** Whether {@code name} is a label name: one of {@link #LABEL_NAMES}, or {@code label}/{@code label_ids} for {@code labels}. */
    public static boolean isLabelName(String name) {
        return LABEL_NAMES.contains(name) || name.equals("label") || name.equals("label_ids");
    }

    /** The label tensor named {@code name} (one of {@link #LABEL_NAMES}), or null when the batch has none. */
    public Tensor label(String name) {
        return switch (name) {
            case "labels", "label", "label_ids" -> labels;
            case "start_positions" -> startPositions;
            case "end_positions" -> endPositions;
            case "next_sentence_label" -> nextSentenceLabel;
            default -> throw new IllegalArgumentException("unknown label name '" + name + "' (known: " + LABEL_NAMES + ")");
        };
    }

    /** A copy of this batch with the label tensor {@code name} set (HF's {@code batch[name] = value}). */
    public ModelInputs withLabel(String name, Tensor value) {
        return switch (name) {
            case "labels", "label", "label_ids" -> new ModelInputs(inputIds, attentionMask, tokenTypeIds, value, startPositions, endPositions, nextSentenceLabel);
            case "start_positions" -> new ModelInputs(inputIds, attentionMask, tokenTypeIds, labels, value, endPositions, nextSentenceLabel);
            case "end_positions" -> new ModelInputs(inputIds, attentionMask, tokenTypeIds, labels, startPositions, value, nextSentenceLabel);
            case "next_sentence_label" -> new ModelInputs(inputIds, attentionMask, tokenTypeIds, labels, startPositions, endPositions, value);
            default -> throw new IllegalArgumentException("unknown label name '" + name + "' (known: " + LABEL_NAMES + ")");
        };
    }

    /** A copy of this batch with {@code labels} set. */
    public ModelInputs withLabels(Tensor newLabels) {
        return withLabel("labels", newLabels);
    }

    /** This batch without any label: what a prediction forward takes. */
    public ModelInputs withoutLabels() {
        return new ModelInputs(inputIds, attentionMask, tokenTypeIds);
    }

    /** B. */
    public long batchSize() {
        return inputIds.size(0);
    }

    /** T. */
    public long sequenceLength() {
        return inputIds.size(1);
    }

    private static int[] flatten(int[][] rows, int length) {
        int[] flat = new int[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * length, length);
        }
        return flat;
    }
}
