package io.t4j.data;

import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HF's {@code DataCollatorForLanguageModeling(tokenizer, mlm=True, mlm_probability=0.15)} and, with
 * {@link #wholeWordMask}, {@code DataCollatorForWholeWordMask} ({@code data/data_collator.py}): pads like
 * {@link DataCollatorWithPadding}, then picks tokens to predict and corrupts them by BERT's 80/10/10 rule
 * ({@code torch_mask_tokens}): of the picked tokens 80% become the tokenizer's mask token, 10% a random id in
 * {@code [0, len(tokenizer))} and 10% stay as they are. Labels are the original ids at picked positions and -100
 * everywhere else. Special tokens ({@code all_special_ids}) and padding are never picked.
 *
 * <ul>
 *   <li>Token masking: each real, non-special token is picked independently with probability
 *       {@code mlm_probability}.</li>
 *   <li>Whole-word masking ({@code _whole_word_mask}): a WordPiece continuation ({@code ##...}) joins the word
 *       before it; words are visited in random order and taken whole while the count stays within
 *       {@code max(1, round(len(row) * mlm_probability))} tokens (Python's round: half to even).</li>
 * </ul>
 *
 * <p>Randomness comes from {@link Seeded}, seeded per batch by {@link Seeded#forRows(long, int[])}: a batch's masks are
 * a function of the seed and its row indices in order, whichever thread pads it. A new epoch's shuffle makes new
 * batches and so new masks (HF re-masks every epoch); the same evaluation batches get the same masks every time,
 * so eval_loss is comparable across evaluations. The streams differ from torch's, so masks differ from HF's for
 * the same seed; the rule and its rates are the same.
 */
public final class DataCollatorForLanguageModeling implements DataCollator {
    private static final Logger LOG = LoggerFactory.getLogger(DataCollatorForLanguageModeling.class);
    /** HF's label for positions the loss ignores. */
    public static final int IGNORE_INDEX = -100;
    /** Of the picked tokens, the share replaced by the mask token (HF: 0.8). */
    public static final double MASK_REPLACE_PROB = 0.8;
    /** Of the picked tokens not replaced by the mask token, the share replaced by a random token (HF: 0.5, i.e. 10%). */
    public static final double RANDOM_REPLACE_PROB_OF_REST = 0.5;
    /** {@code _whole_word_mask}'s {@code max_predictions}. */
    static final int MAX_PREDICTIONS = 512;

    private final PreTrainedTokenizer tokenizer;
    private final DataCollatorWithPadding padding;
    private final double mlmProbability;
    private final long seed;
    private final boolean wholeWordMask;
    private final boolean[] special;
    private final int maskTokenId;
    private final int randomBound;

    private DataCollatorForLanguageModeling(PreTrainedTokenizer tokenizer, double mlmProbability, long seed,
                                            boolean wholeWordMask, Integer padToMultipleOf) {
        if (tokenizer.maskToken() == null || tokenizer.maskTokenId() == null) {
            throw new DataException("the tokenizer in " + tokenizer.source() + " has no mask_token, which masked "
                    + "language modelling needs (HF: \"This tokenizer does not have a mask token which is necessary for "
                    + "masked language modeling\"); use a tokenizer whose tokenizer_config.json names a mask_token");
        }
        if (!(mlmProbability > 0 && mlmProbability < 1)) {
            throw new DataException("mlm_probability must be in (0, 1), got " + mlmProbability);
        }
        this.tokenizer = tokenizer;
        this.padding = new DataCollatorWithPadding(tokenizer, io.t4j.tokenizers.Padding.LONGEST, null, padToMultipleOf);
        this.mlmProbability = mlmProbability;
        this.seed = seed;
        this.wholeWordMask = wholeWordMask;
        this.maskTokenId = tokenizer.maskTokenId();
        this.randomBound = tokenizer.length();
        this.special = new boolean[randomBound];
        for (int id : tokenizer.allSpecialIds()) {
            special[id] = true;
        }
        if (wholeWordMask && (tokenizer.tokenizerClass() == null || !tokenizer.tokenizerClass().contains("Bert"))) {
            LOG.warn("DataCollatorForWholeWordMask is only suitable for BertTokenizer-like tokenizers (WordPiece '##' "
                    + "continuations); the tokenizer in {} is {}: each of its tokens is a word of its own",
                    tokenizer.source(), tokenizer.tokenizerClass());
        }
    }

    /** HF's {@code DataCollatorForLanguageModeling(tokenizer, mlm_probability=...)} with a seed for its masks. */
    public DataCollatorForLanguageModeling(PreTrainedTokenizer tokenizer, double mlmProbability, long seed) {
        this(tokenizer, mlmProbability, seed, false, null);
    }

    /** HF's defaults: {@code mlm_probability=0.15}. */
    public DataCollatorForLanguageModeling(PreTrainedTokenizer tokenizer, long seed) {
        this(tokenizer, 0.15, seed);
    }

    /**
     * HF's {@code DataCollatorForLanguageModeling(tokenizer, mlm=False)}: causal-LM batches, padded like
     * {@link DataCollatorWithPadding}, whose {@code labels} are the input ids with the pad id's positions set to -100
     * (HF: {@code labels[labels == pad_token_id] = -100}); the model shifts them.
     */
    public static DataCollator causal(PreTrainedTokenizer tokenizer) {
        DataCollatorWithPadding padding = new DataCollatorWithPadding(tokenizer);
        int padId = tokenizer.padTokenId();
        return new DataCollator() {
            @Override
            public void check(Dataset dataset) {
                padding.check(dataset);
            }

            @Override
            public PaddedBatch pad(Dataset dataset, int[] rows) {
                PaddedBatch batch = padding.padInputs(dataset, rows);
                int[] labels = batch.inputIds().clone();
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = labels[i] == padId ? IGNORE_INDEX : labels[i];
                }
                return batch.withLabel("labels", NdArray.ofInts(labels, batch.batchSize(), batch.length()));
            }
        };
    }

    /** HF's {@code DataCollatorForWholeWordMask(tokenizer, mlm_probability=...)}: WordPiece words are masked whole. */
    public static DataCollatorForLanguageModeling wholeWordMask(PreTrainedTokenizer tokenizer, double mlmProbability, long seed) {
        return new DataCollatorForLanguageModeling(tokenizer, mlmProbability, seed, true, null);
    }

    /** This collator padding batches to a multiple of {@code multiple} ({@code pad_to_multiple_of}). */
    public DataCollatorForLanguageModeling withPadToMultipleOf(int multiple) {
        return new DataCollatorForLanguageModeling(tokenizer, mlmProbability, seed, wholeWordMask, multiple);
    }

    public double mlmProbability() {
        return mlmProbability;
    }

    public boolean isWholeWordMask() {
        return wholeWordMask;
    }

    @Override
    public void check(Dataset dataset) {
        padding.check(dataset);
    }

    /** The padded rows with their masks and labels, as arrays. Safe on any thread. */
    @Override
    public PaddedBatch pad(Dataset dataset, int[] rows) {
        PaddedBatch batch = padding.pad(dataset, rows);
        Seeded rng = new Seeded(Seeded.forRows(seed, rows));
        boolean[] picked = wholeWordMask ? pickWholeWords(batch, rng) : pickTokens(batch, rng);
        return maskTokens(batch, picked, rng);
    }

    /** Each real, non-special position with probability mlm_probability ({@code torch.bernoulli(probability_matrix)}). */
    private boolean[] pickTokens(PaddedBatch batch, Seeded rng) {
        int[] ids = batch.inputIds();
        boolean[] picked = new boolean[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (batch.attentionMask()[i] == 1 && !isSpecial(ids[i])) {
                picked[i] = rng.nextDouble() < mlmProbability;
            }
        }
        return picked;
    }

    /** HF's {@code _whole_word_mask} per row, over the row's real tokens. */
    private boolean[] pickWholeWords(PaddedBatch batch, Seeded rng) {
        boolean[] picked = new boolean[batch.inputIds().length];
        int t = batch.length();
        for (int r = 0; r < batch.batchSize(); r++) {
            List<Integer> real = new ArrayList<>();
            for (int j = 0; j < t; j++) {
                if (batch.attentionMask()[r * t + j] == 1) {
                    real.add(r * t + j);
                }
            }
            int[] ids = real.stream().mapToInt(i -> batch.inputIds()[i]).toArray();
            for (int position : wholeWordPositions(tokenizer.convertIdsToTokens(ids), ids, rng)) {
                picked[real.get(position)] = true;
            }
        }
        return picked;
    }

    /** The positions (into {@code tokens}) of the words picked for one row. */
    int[] wholeWordPositions(List<String> tokens, int[] ids, Seeded rng) {
        List<List<Integer>> words = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (isSpecial(ids[i])) {
                continue;
            }
            if (!words.isEmpty() && tokens.get(i).startsWith("##")) {
                words.getLast().add(i);
            } else {
                words.add(new ArrayList<>(List.of(i)));
            }
        }
        int[] order = new int[words.size()];
        Arrays.setAll(order, i -> i);
        rng.shuffle(order);
        int numToPredict = Math.min(MAX_PREDICTIONS, Math.max(1, (int) Math.rint(tokens.size() * mlmProbability)));
        List<Integer> covered = new ArrayList<>();
        for (int w : order) {
            if (covered.size() >= numToPredict) {
                break;
            }
            List<Integer> word = words.get(w);
            if (covered.size() + word.size() > numToPredict) {
                continue;
            }
            covered.addAll(word);
        }
        return covered.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The 80/10/10 rule on the picked positions; labels are the original ids there, -100 elsewhere. */
    private PaddedBatch maskTokens(PaddedBatch batch, boolean[] picked, Seeded rng) {
        int[] ids = batch.inputIds().clone();
        int[] labels = new int[ids.length];
        Arrays.fill(labels, IGNORE_INDEX);
        for (int i = 0; i < ids.length; i++) {
            if (!picked[i]) {
                continue;
            }
            labels[i] = ids[i];
            if (rng.nextDouble() < MASK_REPLACE_PROB) {
                ids[i] = maskTokenId;
            } else if (rng.nextDouble() < RANDOM_REPLACE_PROB_OF_REST) {
                ids[i] = rng.nextInt(randomBound);
            }
        }
        return batch.withInputIds(ids).withLabel("labels", NdArray.ofInts(labels, batch.batchSize(), batch.length()));
    }

    private boolean isSpecial(int id) {
        return id >= 0 && id < special.length && special[id];
    }
}
