package io.t4j.pipelines;

import io.t4j.engine.Tensors;
import io.t4j.models.decoder.CausalLM;
import io.t4j.models.decoder.CausalLMInputs;
import io.t4j.models.decoder.DynamicCache;
import io.t4j.models.generation.GenerateOutput;
import io.t4j.models.generation.GenerationConfig;
import io.t4j.models.generation.Generator;
import io.t4j.tokenizers.ChatTemplate;
import io.t4j.tokenizers.ChatTemplate.Message;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Zero- and few-shot text classification by prompting a decoder LLM, as the seed notebook's
 * {@code pipeline("text-generation", ...)} with a system instruction, and its suggested improvements: in-context
 * examples and output constrained to the label set.
 *
 * <p>The prompt is the chat template applied to: the system instruction, then k examples per label as user/assistant
 * turns (drawn with a seed, see {@link #drawFewShot}), then the text as the last user turn, with the generation
 * prompt. Two modes give the label:
 * <ul>
 *   <li>{@link Mode#CONSTRAINED}: greedy generation where only tokens that continue one of the labels' token
 *       sequences are allowed (a {@link LabelTrie}, like HF's {@code prefix_allowed_tokens_fn}), ending with the end
 *       token; the output is always exactly one label, also when one label's tokens are a prefix of another's.</li>
 *   <li>{@link Mode#SCORING}: the label whose full continuation (its tokens, then the end token) has the highest
 *       log-probability, from one forward of the prompt and one batched forward of all labels over its KV cache.</li>
 * </ul>
 * Both report every label's probability (the scoring, normalised over the labels), and optionally what unconstrained
 * greedy decoding would have said and whether that parses as a label.
 *
 * <p>Immutable; the model and tokenizer stay the caller's. Each text runs in its own {@code PointerScope}.
 */
public final class ZeroShotLlmClassifier {
    /** How the label is chosen. */
    public enum Mode { CONSTRAINED, SCORING }

    private final CausalLM model;
    private final PreTrainedTokenizer tokenizer;
    private final ChatTemplate template;
    private final List<String> labels;
    private final String systemInstruction;
    private final List<LabeledText> examples;
    private final Mode mode;
    private final boolean checkUnconstrained;
    private final long endToken;
    private final Map<String, long[]> labelTokens;
    private final GuidedChoice choice;

    private ZeroShotLlmClassifier(CausalLM model, PreTrainedTokenizer tokenizer, ChatTemplate template,
                                  List<String> labels, String systemInstruction, List<LabeledText> examples, Mode mode,
                                  boolean checkUnconstrained, long endToken) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.template = template;
        this.labels = List.copyOf(labels);
        this.systemInstruction = systemInstruction;
        this.examples = List.copyOf(examples);
        this.mode = mode;
        this.checkUnconstrained = checkUnconstrained;
        this.endToken = endToken;
        this.labelTokens = new LinkedHashMap<>();
        for (String label : labels) {
            labelTokens.put(label, tokenizeLabel(label));
        }
        this.choice = GuidedChoice.of(labels, tokenizer, endToken);
    }

    /**
     * A classifier over {@code labels} with the default instruction, no examples, constrained mode, and the
     * tokenizer's eos token as the end of a label.
     */
    public static ZeroShotLlmClassifier create(CausalLM model, PreTrainedTokenizer tokenizer, ChatTemplate template,
                                               List<String> labels) {
        checkLabels(labels);
        Integer eos = tokenizer.eosTokenId();
        if (eos == null) {
            throw new IllegalArgumentException("the tokenizer has no eos_token to end a label with; pass one with withEndToken");
        }
        String instruction = "Classify the text into one of these labels: " + String.join(", ", labels)
                + ". Answer with the label only.";
        return new ZeroShotLlmClassifier(model, tokenizer, template, labels, instruction, List.of(), Mode.CONSTRAINED,
                false, eos);
    }

    private static void checkLabels(List<String> labels) {
        if (labels.size() < 2) {
            throw new IllegalArgumentException("classification needs at least two labels, got " + labels);
        }
        Set<String> seen = new HashSet<>();
        for (String l : labels) {
            if (l == null || l.isBlank()) {
                throw new IllegalArgumentException("labels must be non-empty, got " + labels);
            }
            if (!seen.add(l)) {
                throw new IllegalArgumentException("label '" + l + "' appears twice in " + labels);
            }
        }
    }

    /** The system message (the seed notebook's "Your task is to perform sentiment analysis...") */
    public ZeroShotLlmClassifier withSystemInstruction(String instruction) {
        return new ZeroShotLlmClassifier(model, tokenizer, template, labels, instruction, examples, mode,
                checkUnconstrained, endToken);
    }

    /** In-context examples, placed as user/assistant turns in this order. Their labels must be labels. */
    public ZeroShotLlmClassifier withExamples(List<LabeledText> fewShot) {
        for (LabeledText e : fewShot) {
            if (!labels.contains(e.label())) {
                throw new IllegalArgumentException("example label '" + e.label() + "' is not one of " + labels);
            }
        }
        return new ZeroShotLlmClassifier(model, tokenizer, template, labels, systemInstruction, fewShot, mode,
                checkUnconstrained, endToken);
    }

    public ZeroShotLlmClassifier withMode(Mode m) {
        return new ZeroShotLlmClassifier(model, tokenizer, template, labels, systemInstruction, examples, m,
                checkUnconstrained, endToken);
    }

    /** Also run unconstrained greedy decoding to report whether it would have parsed as a label. */
    public ZeroShotLlmClassifier withUnconstrainedCheck(boolean check) {
        return new ZeroShotLlmClassifier(model, tokenizer, template, labels, systemInstruction, examples, mode, check,
                endToken);
    }

    /** The token that ends a label (default: the tokenizer's eos; e.g. {@code <|im_end|>} for ChatML models). */
    public ZeroShotLlmClassifier withEndToken(long token) {
        return new ZeroShotLlmClassifier(model, tokenizer, template, labels, systemInstruction, examples, mode,
                checkUnconstrained, token);
    }

    public List<String> labels() {
        return labels;
    }

    /**
     * k examples per label drawn without replacement from {@code pool} with {@code seed}, then shuffled with the
     * same seed so labels alternate unpredictably (as a labelled file's rows would). Fails when a label has fewer
     * than k examples.
     */
    public static List<LabeledText> drawFewShot(List<LabeledText> pool, List<String> labels, int k, long seed) {
        if (k < 0) {
            throw new IllegalArgumentException("k (examples per label) must be >= 0, got " + k);
        }
        Random rng = new Random(seed);
        List<LabeledText> out = new ArrayList<>();
        for (String label : labels) {
            List<LabeledText> ofLabel = new ArrayList<>(pool.stream().filter(e -> e.label().equals(label)).toList());
            if (ofLabel.size() < k) {
                throw new IllegalArgumentException("label '" + label + "' has " + ofLabel.size()
                        + " examples in the pool, fewer than the " + k + " per label asked for");
            }
            Collections.shuffle(ofLabel, rng);
            out.addAll(ofLabel.subList(0, k));
        }
        Collections.shuffle(out, rng);
        return out;
    }

    /** The chat messages for {@code text}. */
    public List<Message> messages(String text) {
        List<Message> m = new ArrayList<>();
        if (systemInstruction != null && !systemInstruction.isBlank()) {
            m.add(Message.system(systemInstruction));
        }
        for (LabeledText e : examples) {
            m.add(Message.user(e.text()));
            m.add(Message.assistant(e.label()));
        }
        m.add(Message.user(text));
        return m;
    }

    /** The rendered prompt for {@code text} (the chat template with the generation prompt). */
    public String prompt(String text) {
        return template.apply(messages(text), true, tokenizer.bosToken(), tokenizer.eosToken());
    }

    /** Classifies each text, in order. */
    public List<LlmPrediction> classify(List<String> texts) {
        List<LlmPrediction> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            long[] prompt = tokenize(prompt(text));
            Map<String, Double> probabilities = score(prompt);
            String label = mode == Mode.SCORING ? argmax(probabilities) : constrained(prompt);
            String raw = null;
            boolean parsed = false;
            if (checkUnconstrained) {
                raw = unconstrained(prompt);
                parsed = parse(raw) != null;
            }
            out.add(new LlmPrediction(label, probabilities, raw, parsed));
        }
        return out;
    }

    /** The fraction of predictions whose unconstrained output did not parse as a label (NaN if none was checked). */
    public static double parseFailureRate(List<LlmPrediction> predictions) {
        long checked = predictions.stream().filter(p -> p.unconstrainedOutput() != null).count();
        long failed = predictions.stream().filter(p -> p.unconstrainedOutput() != null && !p.unconstrainedParsed()).count();
        return checked == 0 ? Double.NaN : (double) failed / checked;
    }

    /** The label {@code output} names: trimmed, case-insensitive, a final period ignored; null if none. */
    public String parse(String output) {
        String o = output.strip();
        if (o.endsWith(".")) {
            o = o.substring(0, o.length() - 1).strip();
        }
        for (String label : labels) {
            if (label.strip().equalsIgnoreCase(o)) {
                return label;
            }
        }
        return null;
    }

    /** Greedy decoding through the label trie ({@link GuidedChoice}): always exactly one label. */
    private String constrained(long[] prompt) {
        GenerationConfig config = GenerationConfig.greedy(choice.maxNewTokens(), List.of((int) endToken))
                .withPadTokenId((int) endToken);
        GenerateOutput out = new Generator(model).withLogitsProcessor(choice.processor(prompt.length))
                .generate(List.of(prompt), config);
        String label = choice.choiceOf(out.newTokens(0));
        if (label == null) {
            throw new IllegalStateException("constrained decoding produced " + Arrays.toString(out.newTokens(0))
                    + ", which is no label: this is a bug");
        }
        return label;
    }

    /** Unconstrained greedy decoding, as the seed notebook's pipeline call; the decoded new text. */
    private String unconstrained(long[] prompt) {
        Set<Integer> eos = new LinkedHashSet<>();
        eos.add((int) endToken);
        eos.addAll(model.decoderConfig().eosTokenId());
        GenerationConfig config = GenerationConfig.greedy(choice.maxNewTokens() + 7, List.copyOf(eos)).withPadTokenId((int) endToken);
        GenerateOutput out = new Generator(model).generate(List.of(prompt), config);
        return tokenizer.decode(Arrays.stream(out.newTokens(0)).mapToInt(x -> (int) x).toArray(), true);
    }

    /**
     * log P(label tokens, end token | prompt) for every label, normalised over the labels: the prompt is encoded
     * once, its KV cache repeated for every label, and all labels go through one batched forward.
     */
    private Map<String, Double> score(long[] prompt) {
        int p = prompt.length;
        int l = labels.size();
        int m = labelTokens.values().stream().mapToInt(t -> t.length).max().orElseThrow();
        long[] inputs = new long[l * m];
        long[] targets = new long[l * m];
        long[] mask = new long[l * (p + m)];
        long[] lengths = new long[l];
        for (int i = 0; i < l; i++) {
            long[] t = labelTokens.get(labels.get(i));
            lengths[i] = t.length;
            Arrays.fill(inputs, i * m, (i + 1) * m, endToken);
            Arrays.fill(targets, i * m, (i + 1) * m, endToken);
            System.arraycopy(t, 0, inputs, i * m, t.length);                   // label tokens, right-padded
            System.arraycopy(t, 1, targets, i * m, t.length - 1);              // next tokens, then the end token
            Arrays.fill(mask, i * (p + m), i * (p + m) + p + t.length, 1L);
        }
        double[] logp = new double[l];
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
             DynamicCache cache = model.newCache(p)) {
            Tensor promptIds = Tensors.fromLongs(prompt, 1, p);
            Tensor first = model.forward(new CausalLMInputs(promptIds, null, null, cache, null, 1)).logits()
                    .select(1, 0).to(ScalarType.Float).log_softmax(-1);                                // [1,V]
            float[] firstLogp = Tensors.toFloats(first);
            try (DynamicCache perLabel = cache.repeatInterleave(l, m)) {
                Tensor logits = model.forward(new CausalLMInputs(Tensors.fromLongs(inputs, l, m),
                        Tensors.fromLongs(mask, l, p + m), null, perLabel, null, 0)).logits();       // [L,M,V]
                Tensor picked = logits.to(ScalarType.Float).log_softmax(-1)
                        .gather(2, Tensors.fromLongs(targets, l, m).unsqueeze(-1)).squeeze(-1);       // [L,M,1] -> [L,M]
                Tensor real = realPositions(m, lengths);                                       // [L,M]
                float[] sums = Tensors.toFloats(picked.mul(real).sum(new long[] {1}, false, new ScalarTypeOptional())); // [L]
                for (int i = 0; i < l; i++) {
                    logp[i] = firstLogp[(int) labelTokens.get(labels.get(i))[0]] + sums[i];
                }
            }
        }
        double max = Arrays.stream(logp).max().orElseThrow();
        double total = 0;
        for (double x : logp) {
            total += Math.exp(x - max);
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        for (int i = 0; i < l; i++) {
            probabilities.put(labels.get(i), Math.exp(logp[i] - max) / total);
        }
        return probabilities;
    }

    /** [L,M] float: 1 where column j < lengths[i]. */
    private static Tensor realPositions(int m, long[] lengths) {
        float[] w = new float[lengths.length * m];
        for (int i = 0; i < lengths.length; i++) {
            Arrays.fill(w, i * m, i * m + (int) lengths[i], 1f);
        }
        return Tensors.fromFloats(w, lengths.length, m);
    }

    private static String argmax(Map<String, Double> probabilities) {
        return probabilities.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private long[] tokenize(String text) {
        int[] ids = tokenizer.encode(List.of(text), EncodeOptions.noTruncation().withAddSpecialTokens(false)).inputIds()[0];
        return Arrays.stream(ids).mapToLong(x -> x).toArray();
    }

    /** A label's tokens as they follow the generation prompt; a label with unknown tokens is an error. */
    private long[] tokenizeLabel(String label) {
        long[] ids = tokenize(label);
        Integer unk = tokenizer.unkTokenId();
        if (unk != null && Arrays.stream(ids).anyMatch(x -> x == unk)) {
            throw new IllegalArgumentException("label '" + label + "' contains text unknown to the tokenizer (it becomes "
                    + tokenizer.unkToken() + ")");
        }
        return ids;
    }
}
