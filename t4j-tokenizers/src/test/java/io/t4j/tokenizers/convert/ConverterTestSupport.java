package io.t4j.tokenizers.convert;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import io.t4j.engine.Engine;
import io.t4j.tokenizers.EncodeOptions;
import io.t4j.tokenizers.PreTrainedTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writing tiny slow-tokenizer folders, and reading ids and offsets of a converted tokenizer.json. */
final class ConverterTestSupport {
    private ConverterTestSupport() {}

    static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** input_ids of one text through t4j's PreTrainedTokenizer. */
    static int[] ids(PreTrainedTokenizer tokenizer, String text) {
        return tokenizer.encode(List.of(text), EncodeOptions.defaults()).inputIds()[0];
    }

    /** The converted tokenizer.json run by HF's Rust tokenizers directly, for offsets and type ids. */
    static Encoding encodeRaw(String tokenizerJson, String text) {
        return encodeRaw(tokenizerJson, text, null);
    }

    /** A pair (or one text when {@code second} is null) through the converted tokenizer.json. */
    static Encoding encodeRaw(String tokenizerJson, String first, String second) {
        Engine.init();
        Map<String, String> options = Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8)), options)) {
            return second == null ? t.encode(first) : t.encode(first, second);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The converted tokenizer.json of a folder. */
    static String convert(Path dir) {
        return ConvertSlowTokenizer.convert(dir).tokenizerJson();
    }

    /** Character spans as "start:end" ("-" for special tokens, which have none). */
    static String[] spans(Encoding encoding) {
        CharSpan[] spans = encoding.getCharTokenSpans();
        String[] out = new String[spans.length];
        for (int i = 0; i < spans.length; i++) {
            out[i] = spans[i] == null ? "-" : spans[i].getStart() + ":" + spans[i].getEnd();
        }
        return out;
    }
}
