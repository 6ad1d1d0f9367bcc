package io.t4j.models.generation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * HF's {@code TextStreamer}, for any number of rows: decodes each row's new tokens and passes on only the text
 * that became final, holding back text that ends in an incomplete character (U+FFFD from a partial UTF-8 byte
 * sequence) until the next token completes it.
 */
public final class TextStreamer implements TokenStreamer {
    /** Receives text deltas. */
    @FunctionalInterface
    public interface TextSink {
        void accept(int row, String text);
    }

    private final Function<long[], String> decode;
    private final TextSink sink;
    private final List<List<Long>> tokens = new ArrayList<>();
    private final List<Integer> emitted = new ArrayList<>();

    /** {@code decode}: token ids → text (the tokenizer's decode, skipping special tokens as the caller wishes). */
    public TextStreamer(Function<long[], String> decode, TextSink sink) {
        this.decode = decode;
        this.sink = sink;
    }

    @Override
    public void put(int row, long tokenId) {
        while (tokens.size() <= row) {
            tokens.add(new ArrayList<>());
            emitted.add(0);
        }
        tokens.get(row).add(tokenId);
        String text = decode.apply(tokens.get(row).stream().mapToLong(Long::longValue).toArray());
        if (!text.endsWith("\uFFFD") && text.length() > emitted.get(row)) {
            sink.accept(row, text.substring(emitted.get(row)));
            emitted.set(row, text.length());
        }
    }

    @Override
    public void end() {
        for (int row = 0; row < tokens.size(); row++) {
            String text = decode.apply(tokens.get(row).stream().mapToLong(Long::longValue).toArray());
            if (text.length() > emitted.get(row)) {
                sink.accept(row, text.substring(emitted.get(row)));
                emitted.set(row, text.length());
            }
        }
    }
}
