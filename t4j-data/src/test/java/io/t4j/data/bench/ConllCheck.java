package io.t4j.data.bench;

import io.t4j.data.AlignOptions;
import io.t4j.data.AlignedDataset;
import io.t4j.data.ConllOptions;
import io.t4j.data.Dataset;
import io.t4j.data.Feature;
import io.t4j.data.TaggedSentences;
import io.t4j.data.TokenClassificationData;
import io.t4j.tokenizers.AutoTokenizer;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A development check on CoNLL-2003 (not a test: numbers go to stdout): reads train/valid as CoNLL columns and as
 * JSON Lines, checks both give the same sentences and label ids against labels.txt, and times
 * {@code tokenize_and_align_labels} with the bge-small tokenizer, printing the truncation report.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -q -pl t4j-data -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/t4j-data.cp
 * $JAVA_25/bin/java --enable-native-access=ALL-UNNAMED -cp t4j-data/target/test-classes:t4j-data/target/classes:$(cat /tmp/t4j-data.cp) \
 *     io.t4j.data.bench.ConllCheck [conll2003 dir] [tokenizer dir] [max_seq_length]
 * </pre>
 * Defaults: {@code ../shared/data/conll2003}, {@code t4j-tokenizers/src/test/resources/bge-small-tokenizer}, 128.
 */
public final class ConllCheck {
    private ConllCheck() {}

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/conll2003");
        Path tokenizerDir = Path.of(args.length > 1 ? args[1] : "t4j-tokenizers/src/test/resources/bge-small-tokenizer");
        int maxLength = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        Feature.ClassLabel labels = TokenClassificationData.readLabelList(dir.resolve("labels.txt"));
        System.out.println("labels.txt: " + labels.names());
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(tokenizerDir)) {
            for (String split : new String[] {"train", "valid"}) {
                long t0 = System.nanoTime();
                TaggedSentences conll = TokenClassificationData.readConll(dir.resolve(split + ".txt"), ConllOptions.defaults());
                long t1 = System.nanoTime();
                TaggedSentences jsonl = TokenClassificationData.readJsonl(dir.resolve(split + ".jsonl"), "tokens", "ner_tags");
                Dataset fromConll = conll.toDataset(labels);
                Dataset fromJsonl = jsonl.toDataset(labels);
                boolean same = conll.size() == jsonl.size();
                for (int s = 0; same && s < conll.size(); s++) {
                    same = Arrays.equals(conll.tokens().get(s), jsonl.tokens().get(s))
                            && Arrays.equals(fromConll.tokens("ner_tags").row(s), fromJsonl.tokens("ner_tags").row(s));
                }
                System.out.printf(Locale.ROOT, "%s: %,d sentences, %,d words (CoNLL read in %.0f ms); JSONL %,d sentences; "
                        + "same tokens and label ids: %s; labels from the data: %s%n", split, conll.size(), conll.words(),
                        (t1 - t0) / 1e6, jsonl.size(), same, TokenClassificationData.labelListFromData(conll).names());
                long a0 = System.nanoTime();
                AlignedDataset aligned = TokenClassificationData.tokenizeAndAlignLabels(fromConll, tokenizer,
                        AlignOptions.defaults().withMaxSeqLength(maxLength), conll::where);
                long a1 = System.nanoTime();
                long tokens = 0;
                for (int r = 0; r < aligned.dataset().numRows(); r++) {
                    tokens += aligned.dataset().tokens("input_ids").length(r);
                }
                System.out.printf(Locale.ROOT, "  tokenize_and_align_labels (max_seq_length %d): %.0f ms, %,.0f sentences/s, "
                        + "%,d tokens; %s%n", maxLength, (a1 - a0) / 1e6, conll.size() / ((a1 - a0) / 1e9), tokens,
                        aligned.report().summary());
            }
        }
    }
}
