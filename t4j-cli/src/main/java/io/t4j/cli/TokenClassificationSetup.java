package io.t4j.cli;

import io.t4j.data.AlignOptions;
import io.t4j.data.AlignedDataset;
import io.t4j.data.DataCollatorForTokenClassification;
import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.data.NdArray;
import io.t4j.data.PaddedBatch;
import io.t4j.data.TaggedSentences;
import io.t4j.data.TokenClassificationData;
import io.t4j.models.AutoConfig;
import io.t4j.models.AutoModelForTokenClassification;
import io.t4j.models.ModelInputs;
import io.t4j.models.PretrainedConfig;
import io.t4j.models.PretrainedOptions;
import io.t4j.models.TokenClassificationModel;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import io.t4j.tokenizers.TokenizerOptions;
import io.t4j.trainer.metrics.Seqeval;
import io.t4j.trainer.metrics.SeqevalReport;
import io.t4j.trainer.metrics.ZeroDivision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The glue of run_ner.py between tagged files and a token classifier: the tokenizer (with {@code add_prefix_space}
 * where pre-tokenized input needs it), the label list, the model's head, the aligned datasets and seqeval on a
 * model's predictions.
 */
public final class TokenClassificationSetup {
    /** run_ner.py's model types whose tokenizer needs {@code add_prefix_space=True} for pre-tokenized words. */
    private static final Set<String> PREFIX_SPACE_MODEL_TYPES = Set.of("bloom", "gpt2", "roberta", "deberta");

    private TokenClassificationSetup() {}

    /** The folder's tokenizer, with {@code add_prefix_space=True} for byte-level BPE models (as run_ner loads it). */
    public static PreTrainedTokenizer tokenizer(Path dir) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        return PREFIX_SPACE_MODEL_TYPES.contains(config.modelType())
                ? AutoTokenizer.fromPretrained(dir, TokenizerOptions.defaults().withAddPrefixSpace(true))
                : AutoTokenizer.fromPretrained(dir);
    }

    /** Whether the folder's checkpoint already has a token-classification head. */
    public static boolean hasTokenHead(PretrainedConfig config) {
        return config.architectures() != null && config.architectures().stream().anyMatch(a -> a.endsWith("ForTokenClassification"));
    }

    /**
     * run_ner's label list: {@code labelsFile} when given; else the model's labels when it has a token-classification
     * head (its order, so ids keep their meaning); else the training data's tags, sorted.
     */
    public static Feature.ClassLabel labels(Path dir, Path labelsFile, TaggedSentences train) {
        if (labelsFile != null) {
            return TokenClassificationData.readLabelList(labelsFile);
        }
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        if (hasTokenHead(config)) {
            return new Feature.ClassLabel(modelLabels(config));
        }
        return TokenClassificationData.labelListFromData(train);
    }

    /** The config's label names in id order. */
    public static List<String> modelLabels(PretrainedConfig config) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < config.numLabels(); i++) {
            names.add(config.id2label().get(i));
        }
        return names;
    }

    /**
     * The model with a token-classification head for {@code names}. A checkpoint whose head has other labels is an
     * error naming both (HF run_ner warns and ignores the model's labels; a head of another size cannot load).
     */
    public static TokenClassificationModel<?> modelFor(Path dir, List<String> names) {
        checkHead(dir, names);
        Map<Integer, String> id2label = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            id2label.put(i, names.get(i));
        }
        return AutoModelForTokenClassification.fromPretrained(dir, PretrainedOptions.defaults().withId2label(id2label));
    }

    /** A checkpoint whose token-classification head has other labels than {@code names} is an error naming both. */
    public static void checkHead(Path dir, List<String> names) {
        PretrainedConfig config = AutoConfig.fromPretrained(dir);
        if (hasTokenHead(config) && !modelLabels(config).equals(names)) {
            throw new UserException(ExitCode.DATA, dir + ": the model's token-classification head has the labels "
                    + modelLabels(config) + " but the data has " + names + "; train from the base model, or give "
                    + "--labels-file with the model's labels in its order");
        }
    }

    /** {@code file}'s sentences with their tags as ids of {@code labels}, tokenized and aligned (errors name the file's lines). */
    public static AlignedDataset align(TaggedSentences file, Feature.ClassLabel labels, PreTrainedTokenizer tokenizer,
                                       AlignOptions options) {
        AlignedDataset aligned = TokenClassificationData.tokenizeAndAlignLabels(file.toDataset(labels), tokenizer,
                options, file::where);
        System.err.println(file.file() + ": " + aligned.report().summary());
        return aligned;
    }

    /**
     * seqeval on {@code model}'s predictions for an aligned dataset: the argmax label of each position whose label is
     * not -100 (the first sub-token of each word), batched as {@link DataCollatorForTokenClassification} pads.
     */
    public static SeqevalReport evaluate(TokenClassificationModel<?> model, PreTrainedTokenizer tokenizer, Dataset aligned,
                                         List<String> labels, int batchSize, Seqeval.Mode mode, Seqeval.Scheme scheme) {
        model.eval();
        var collator = new DataCollatorForTokenClassification(tokenizer);
        collator.check(aligned);
        List<List<String>> truth = new ArrayList<>(aligned.numRows());
        List<List<String>> predicted = new ArrayList<>(aligned.numRows());
        for (int from = 0; from < aligned.numRows(); from += batchSize) {
            int[] rows = IntStream.range(from, Math.min(aligned.numRows(), from + batchSize)).toArray();
            PaddedBatch batch = collator.pad(aligned, rows);
            int t = batch.length();
            int[] gold = batch.label("labels").toInts();
            int[] argmax;
            try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
                ModelInputs in = ModelInputs.fromArrays(rows.length, t, batch.inputIds(), batch.attentionMask(),
                        batch.tokenTypeIds());
                argmax = NdArray.of(model.forward(in).logits().to(ScalarType.Float)).argmax(); // [B*T]
            }
            for (int i = 0; i < rows.length; i++) {
                List<String> y = new ArrayList<>();
                List<String> p = new ArrayList<>();
                for (int j = i * t; j < (i + 1) * t; j++) {
                    if (gold[j] != TokenClassificationData.IGNORE_INDEX) {
                        y.add(labels.get(gold[j]));
                        p.add(labels.get(argmax[j]));
                    }
                }
                truth.add(y);
                predicted.add(p);
            }
        }
        return Seqeval.classificationReport(truth, predicted, mode, scheme, ZeroDivision.WARN);
    }
}
