package io.t4j.pipelines;

import io.t4j.engine.Tensors;
import io.t4j.models.ModelInputs;
import io.t4j.models.TokenClassificationModel;
import io.t4j.tokenizers.BatchEncoding;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code TokenClassificationPipeline} (transformers/pipelines/token_classification.py), task
 * {@code "token-classification"} (alias {@code "ner"}): texts in, a label per token or entities out, each with its
 * character offsets in the text. Tokens are labelled by the softmax of the model's logits; the
 * {@link AggregationStrategy} fuses them into words and entities as HF does ({@link TokenEntities}), with word
 * boundaries that hold for WordPiece, byte-level BPE and SentencePiece ({@link WordBoundaries}). With a
 * {@link TokenClassificationOptions#stride() stride}, a text longer than the model runs in overlapping windows whose
 * entities are merged; without one it is truncated, as in HF, and a warning says how many texts were cut.
 */
public final class TokenClassificationPipeline extends Pipeline<TokenClassificationModel<?>, String,
        TokenClassificationPipeline.Encoded, Tensor, List<TokenClassificationResult>, TokenClassificationOptions> {
    /** HF's task name. */
    public static final String TASK = "token-classification";
    /** HF's alias of the task. */
    public static final String ALIAS = "ner";
    private static final Logger LOG = LoggerFactory.getLogger(TokenClassificationPipeline.class);

    /** A text with no token besides the special ones: nothing to label. */
    public static final class NoTokensException extends IllegalArgumentException {
        private final String text;

        NoTokensException(String text, PreTrainedTokenizer tokenizer) {
            super("the text '" + text + "' has no tokens for the tokenizer in " + tokenizer.source()
                    + " (it is empty or holds only characters the tokenizer removes)");
            this.text = text;
        }

        /** The text at fault. */
        public String text() {
            return text;
        }
    }

    /** A batch as preprocessed: the windows' tensors and encoding ({@code overflowToSampleMapping}: each row's text). */
    public record Encoded(ModelInputs inputs, BatchEncoding encoding) implements CarriesModelInputs {}

    private final TokenEntities entities;

    TokenClassificationPipeline(TokenClassificationModel<?> model, PreTrainedTokenizer tokenizer, boolean owned) {
        super(model, tokenizer, owned);
        this.entities = new TokenEntities(tokenizer, model.config().id2label());
    }

    /** HF's {@code token_classifier(text)}: one result per token that is not labelled O. */
    public List<TokenClassificationResult> apply(String text) {
        return apply(text, TokenClassificationOptions.defaults());
    }

    public List<TokenClassificationResult> apply(String text, TokenClassificationOptions options) {
        return apply(List.of(text), options).getFirst();
    }

    /** The results of each text, in input order. */
    public List<List<TokenClassificationResult>> apply(List<String> texts, TokenClassificationOptions options) {
        return run(texts, options);
    }

    @Override
    protected int batchSize(TokenClassificationOptions options) {
        return options.batchSize();
    }

    /**
     * HF's {@code preprocess}: the texts with special-tokens mask, offsets and word ids, padded to the longest; with a
     * stride every window of each text, otherwise each text's first window (its truncation).
     */
    @Override
    protected Encoded preprocess(List<String> texts, TokenClassificationOptions options) {
        BatchEncoding enc = encode(tokenizer, texts, options.stride());
        return new Encoded(ModelInputs.of(enc), enc);
    }

    /**
     * The encoding {@link #preprocess} makes: special-tokens mask, offsets and word ids, padded to the longest row;
     * with a stride every window of each text, otherwise each text's first window (its truncation). A text without
     * tokens is a {@link NoTokensException}.
     */
    static BatchEncoding encode(PreTrainedTokenizer tokenizer, List<String> texts, Integer stride) {
        int max = tokenizer.modelMaxLength();
        if (stride != null && max != PreTrainedTokenizer.NO_MAX_LENGTH && stride >= max) {
            throw new IllegalArgumentException("stride " + stride + " must be less than the tokenizer's model_max_length "
                    + max + " (less the special tokens it adds)");
        }
        EncodeOptions encode = EncodeOptions.padLongest().withTruncation(max != PreTrainedTokenizer.NO_MAX_LENGTH)
                .withReturnSpecialTokensMask(true).withReturnOffsetsMapping(true).withReturnWordIds(true)
                .withReturnOverflowingTokens(true).withStride(stride == null ? 0 : stride);
        BatchEncoding enc = tokenizer.encode(texts, encode);
        if (stride == null) {
            enc = firstWindows(enc, texts.size());
        }
        for (int r = 0; r < enc.size(); r++) {
            if (Arrays.stream(enc.specialTokensMask()[r]).allMatch(m -> m != 0)) {
                throw new NoTokensException(texts.get(enc.overflowToSampleMapping()[r]), tokenizer);
            }
        }
        return enc;
    }

    /** HF's {@code _forward}: logits [W,T,K] of every window. */
    @Override
    protected Tensor forward(Encoded encoded, TokenClassificationOptions options) {
        return model.forward(encoded.inputs()).logits();
    }

    /** HF's {@code postprocess}: softmax per token, then each text's windows to entities. */
    @Override
    protected List<List<TokenClassificationResult>> postprocess(List<String> texts, Encoded encoded, Tensor logits,
                                                                TokenClassificationOptions options) {
        float[] scores = Tensors.toFloats(torch.softmax(logits.to(ScalarType.Float), -1)); // [W,T,K]
        List<List<TokenEntities.Window>> windows = windows(encoded.encoding(), scores, (int) logits.size(2), texts.size());
        List<List<TokenClassificationResult>> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(entities.entities(texts.get(i), windows.get(i), options));
        }
        return out;
    }

    /** The rows of {@code enc} grouped by text, each with its slice of {@code scores} [W,T,K]. */
    static List<List<TokenEntities.Window>> windows(BatchEncoding enc, float[] scores, int k, int texts) {
        int t = enc.size() == 0 ? 0 : enc.inputIds()[0].length;
        List<List<TokenEntities.Window>> windows = new ArrayList<>(texts);
        for (int i = 0; i < texts; i++) {
            windows.add(new ArrayList<>());
        }
        for (int r = 0; r < enc.size(); r++) {
            windows.get(enc.overflowToSampleMapping()[r]).add(new TokenEntities.Window(enc.inputIds()[r],
                    enc.specialTokensMask()[r], enc.wordIds()[r], enc.offsetStarts()[r], enc.offsetEnds()[r], scores,
                    r * t * k, k));
        }
        return windows;
    }

    /** Each text's first window (what truncation keeps); logs how many texts were cut. */
    private static BatchEncoding firstWindows(BatchEncoding enc, int texts) {
        if (enc.size() == texts) {
            return enc;
        }
        int[] keep = new int[texts];
        int cut = 0;
        for (int r = 0, next = 0; r < enc.size(); r++) {
            if (r == 0 || enc.overflowToSampleMapping()[r] != enc.overflowToSampleMapping()[r - 1]) {
                keep[next++] = r;
            } else if (r == keep[next - 1] + 1) {
                cut++; // the text's second window: it was cut
            }
        }
        LOG.warn("token-classification: {} of {} texts are longer than the model's maximum length and were truncated "
                + "(their tokens past it get no label); pass a stride to run whole texts in overlapping windows", cut, texts);
        return new BatchEncoding(rows(enc.inputIds(), keep), rows(enc.attentionMask(), keep), rows(enc.tokenTypeIds(), keep),
                rows(enc.specialTokensMask(), keep), rows(enc.wordIds(), keep), rows(enc.sequenceIds(), keep),
                rows(enc.offsetStarts(), keep), rows(enc.offsetEnds(), keep), sampleRows(enc.overflowToSampleMapping(), keep));
    }

    private static int[][] rows(int[][] array, int[] keep) {
        if (array == null) {
            return null;
        }
        int[][] out = new int[keep.length][];
        for (int i = 0; i < keep.length; i++) {
            out[i] = array[keep[i]];
        }
        return out;
    }

    private static int[] sampleRows(int[] mapping, int[] keep) {
        int[] out = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            out[i] = mapping[keep[i]];
        }
        return out;
    }
}
