package io.t4j.cli;

import io.t4j.data.Dataset;
import io.t4j.data.LoadDataset;
import io.t4j.data.LoadOptions;
import io.t4j.models.AutoModelForCausalLM;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.decoder.CausalLM;
import io.t4j.pipelines.LabeledText;
import io.t4j.pipelines.ZeroShotLlmClassifier;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.ChatTemplate;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** What {@code classify-llm} and {@code eval-llm} share: the LLM, the labels, the prompt and the few-shot examples. */
public final class LlmOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "A causal LM folder or hub repo id (Llama, Qwen2, Phi-3), e.g. microsoft/Phi-3.5-mini-instruct.")
    public String model;

    @Option(names = "--revision", defaultValue = "main", description = "Hub branch, tag or commit.")
    public String revision;

    @Option(names = "--labels", required = true, split = ",", paramLabel = "LABEL", description = "The label set, e.g. negative,positive.")
    public List<String> labels;

    @Option(names = "--system", paramLabel = "TEXT", description = "The system instruction (default: classify into one of the labels, answer with the label only).")
    public String system;

    @Option(names = "--mode", defaultValue = "constrained",
            description = "constrained (greedy through a trie of the labels' tokens) or scoring (log-probability of each label); default ${DEFAULT-VALUE}.")
    public String mode;

    @Option(names = "--few-shot-file", paramLabel = "FILE", description = "A labelled file to draw in-context examples from.")
    public String fewShotFile;

    @Option(names = "--k", defaultValue = "0", description = "Few-shot examples per label (default: ${DEFAULT-VALUE}).")
    public int k;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for drawing the examples (default: ${DEFAULT-VALUE}).")
    public long seed;

    @Option(names = "--text-column", defaultValue = "sentence", description = "Text column of labelled files (default: ${DEFAULT-VALUE}).")
    public String textColumn;

    @Option(names = "--label-column", defaultValue = "label", description = "Label column of labelled files (default: ${DEFAULT-VALUE}).")
    public String labelColumn;

    @Option(names = "--chat-template", paramLabel = "FILE", description = "A Jinja chat template, if the tokenizer has none.")
    public Path chatTemplate;

    @Option(names = "--check-unconstrained", description = "Also decode without constraints and report how often that output is not a label.")
    public boolean checkUnconstrained;

    @Option(names = "--dtype", defaultValue = "bfloat16", description = "float32 or bfloat16 (default: ${DEFAULT-VALUE}).")
    public String dtype;

    /** The model, tokenizer and classifier; the caller closes the tokenizer. */
    public record Loaded(CausalLM model, PreTrainedTokenizer tokenizer, ZeroShotLlmClassifier classifier) {}

    public Loaded load() {
        Path dir = ModelResolver.resolve(model, revision);
        PretrainedOptions options = PretrainedOptions.defaults().withZeroCopy(true).withDtype(switch (dtype) {
            case "float32", "fp32" -> org.bytedeco.pytorch.global.torch.ScalarType.Float;
            case "bfloat16", "bf16" -> org.bytedeco.pytorch.global.torch.ScalarType.BFloat16;
            default -> throw new UserException(ExitCode.USAGE, "--dtype must be float32 or bfloat16, got '" + dtype + "'");
        });
        CausalLM lm = AutoModelForCausalLM.fromPretrained(dir, options);
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(dir);
        ChatTemplate template = chatTemplate != null ? ChatTemplate.fromFile(chatTemplate) : ChatTemplate.fromTokenizer(tokenizer);
        ZeroShotLlmClassifier c = ZeroShotLlmClassifier.create(lm, tokenizer, template, labels)
                .withMode(ZeroShotLlmClassifier.Mode.valueOf(mode.toUpperCase(Locale.ROOT)))
                .withUnconstrainedCheck(checkUnconstrained);
        if (system != null) {
            c = c.withSystemInstruction(system);
        }
        if (k > 0) {
            if (fewShotFile == null) {
                throw new UserException(ExitCode.USAGE, "--k " + k + " needs --few-shot-file");
            }
            c = c.withExamples(ZeroShotLlmClassifier.drawFewShot(labelled(fewShotFile), labels, k, seed));
        }
        return new Loaded(lm, tokenizer, c);
    }

    /** A labelled file's rows as (text, label name), labels named by {@code --labels} when they are integers. */
    public List<LabeledText> labelled(String file) {
        Dataset ds = LoadDataset.fromFiles(file, LoadOptions.textClassification(textColumn, labelColumn)
                .withLabelNames(labels.toArray(String[]::new)));
        String[] texts = ds.strings(textColumn).values();
        long[] ids = ds.longs(labelColumn).values();
        List<String> names = ds.classLabel(labelColumn).names();
        List<LabeledText> out = new ArrayList<>(texts.length);
        for (int i = 0; i < texts.length; i++) {
            out.add(new LabeledText(texts[i], names.get((int) ids[i])));
        }
        return out;
    }
}
