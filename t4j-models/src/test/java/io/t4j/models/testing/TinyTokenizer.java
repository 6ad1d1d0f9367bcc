package io.t4j.models.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A word-level BERT-style tokenizer for the tiny fixture models (vocab 128: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3,
 * [MASK]=4, then the words {@code w5 .. w127}), so fixtures can run end to end through tokenizers and pipelines.
 * "w7 w9 w11" encodes to [2, 7, 9, 11, 3].
 */
public final class TinyTokenizer {
    private TinyTokenizer() {}

    /** Writes tokenizer.json and tokenizer_config.json for a BERT-like model into {@code dir}. */
    public static void writeBert(Path dir, int vocabSize, int modelMaxLength) {
        StringBuilder vocab = new StringBuilder("\"[PAD]\": 0, \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3, \"[MASK]\": 4");
        for (int i = 5; i < vocabSize; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        String json = """
                {
                  "version": "1.0", "truncation": null, "padding": null,
                  "added_tokens": [%s],
                  "normalizer": {"type": "Lowercase"},
                  "pre_tokenizer": {"type": "WhitespaceSplit"},
                  "post_processor": {"type": "TemplateProcessing",
                    "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                               {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                    "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                             {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                             {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                    "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                       "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
                  "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
                  "model": {"type": "WordLevel", "vocab": {%s}, "unk_token": "[UNK]"}
                }
                """.formatted(addedTokens(), vocab);
        String config = """
                {"tokenizer_class": "BertTokenizer", "model_max_length": %d, "do_lower_case": true,
                 "pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]"}
                """.formatted(modelMaxLength);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), json);
            Files.writeString(dir.resolve("tokenizer_config.json"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a word-level RoBERTa-style tokenizer for the roberta fixture (vocab 128: {@code <s>}=0, {@code <pad>}=1,
     * {@code </s>}=2, {@code <mask>}=3, then {@code w4 .. w127}; {@code <s> A </s>}, no token_type_ids).
     */
    public static void writeRoberta(Path dir, int vocabSize, int modelMaxLength) {
        String[] special = {"<s>", "<pad>", "</s>", "<mask>"};
        StringBuilder vocab = new StringBuilder();
        StringBuilder added = new StringBuilder();
        for (int i = 0; i < special.length; i++) {
            vocab.append(i == 0 ? "" : ", ").append('"').append(special[i]).append("\": ").append(i);
            added.append(i == 0 ? "" : ", ").append("{\"id\": ").append(i).append(", \"content\": \"").append(special[i])
                    .append("\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}");
        }
        for (int i = special.length; i < vocabSize; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        String json = """
                {
                  "version": "1.0", "truncation": null, "padding": null,
                  "added_tokens": [%s],
                  "normalizer": null,
                  "pre_tokenizer": {"type": "WhitespaceSplit"},
                  "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                                     "trim_offsets": true, "add_prefix_space": false},
                  "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
                  "model": {"type": "WordLevel", "vocab": {%s}, "unk_token": "<pad>"}
                }
                """.formatted(added, vocab);
        String config = """
                {"tokenizer_class": "RobertaTokenizer", "model_max_length": %d, "bos_token": "<s>", "eos_token": "</s>",
                 "cls_token": "<s>", "sep_token": "</s>", "pad_token": "<pad>", "mask_token": "<mask>"}
                """.formatted(modelMaxLength);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), json);
            Files.writeString(dir.resolve("tokenizer_config.json"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the roberta fixture's model folder plus {@link #writeRoberta}'s tokenizer. */
    public static Path robertaFixtureFolder(Fixture fx, Path dir) {
        try {
            Files.createDirectories(dir);
            for (String f : new String[] {"config.json", "model.safetensors"}) {
                Files.copy(fx.dir().resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeRoberta(dir, 128, 64);
        return dir;
    }

    private static String addedTokens() {
        String[] names = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ", ").append("{\"id\": ").append(i).append(", \"content\": \"").append(names[i])
                    .append("\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}");
        }
        return sb.toString();
    }

    /** The words of {@link #writeChat}'s vocabulary after the special tokens, ids 6.. (then w{id} up to 127). */
    public static final List<String> CHAT_WORDS = List.of("system", "user", "assistant", "good", "very", "bad",
            "positive", "negative", "movie", "the", "was", "great", "awful", "classify", "it", "is", "a", "film");

    /**
     * A word-level chat tokenizer for the decoder fixtures (vocab 128: {@code <pad>}=0, {@code <s>}=1 (bos),
     * {@code </s>}=2, {@code <|im_start|>}=3, {@code <|im_end|>}=4 (the tokenizer's eos), {@code <unk>}=5, then
     * {@link #CHAT_WORDS} and {@code w24 .. w127}), with a ChatML-like chat template written for t4j's tests.
     */
    public static void writeChat(Path dir) {
        String[] special = {"<pad>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", "<unk>"};
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < special.length; i++) {
            vocab.append(i == 0 ? "" : ", ").append('"').append(special[i]).append("\": ").append(i);
        }
        int id = special.length;
        for (String w : CHAT_WORDS) {
            vocab.append(", \"").append(w).append("\": ").append(id++);
        }
        for (; id < 128; id++) {
            vocab.append(", \"w").append(id).append("\": ").append(id);
        }
        StringBuilder added = new StringBuilder();
        for (int i = 0; i < special.length; i++) {
            added.append(i == 0 ? "" : ", ").append("{\"id\": ").append(i).append(", \"content\": \"").append(special[i])
                    .append("\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}");
        }
        String json = """
                {
                  "version": "1.0", "truncation": null, "padding": null,
                  "added_tokens": [%s],
                  "normalizer": null,
                  "pre_tokenizer": {"type": "WhitespaceSplit"},
                  "post_processor": null,
                  "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
                  "model": {"type": "WordLevel", "vocab": {%s}, "unk_token": "<unk>"}
                }
                """.formatted(added, vocab);
        String template = "{{ bos_token }}{% for m in messages %}{{ '<|im_start|> ' + m['role'] + ' ' + m['content'] | trim"
                + " + ' <|im_end|> ' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|> assistant ' }}{% endif %}";
        String config = """
                {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 64, "bos_token": "<s>",
                 "eos_token": "<|im_end|>", "pad_token": "<pad>", "unk_token": "<unk>", "chat_template": "%s"}
                """.formatted(template.replace("\"", "\\\""));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), json);
            Files.writeString(dir.resolve("tokenizer_config.json"), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of a BERT fixture's model folder plus this tokenizer: a complete model folder for end-to-end tests. */
    public static Path bertFixtureFolder(Fixture fx, Path dir) {
        try {
            Files.createDirectories(dir);
            for (String f : new String[] {"config.json", "model.safetensors"}) {
                Files.copy(fx.dir().resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeBert(dir, 128, 64);
        return dir;
    }
}
