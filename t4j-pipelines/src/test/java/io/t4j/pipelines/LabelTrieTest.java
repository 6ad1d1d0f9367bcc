package io.t4j.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelTrieTest {
    private static final long END = 99;

    private static LabelTrie trie() {
        Map<String, long[]> labels = new LinkedHashMap<>();
        labels.put("very", new long[] {10});
        labels.put("very good", new long[] {10, 9});
        labels.put("very very good", new long[] {10, 10, 9});
        labels.put("bad", new long[] {11});
        return new LabelTrie(labels, END);
    }

    @Test
    void allowsContinuationsAndTheEndTokenWhereALabelIsComplete() {
        LabelTrie t = trie();
        assertThat(t.allowed(new long[] {})).containsExactly(10, 11);
        assertThat(t.allowed(new long[] {10})).containsExactly(9, 10, END); // "very" is complete and a prefix
        assertThat(t.allowed(new long[] {10, 10})).containsExactly(9);
        assertThat(t.allowed(new long[] {10, 9})).containsExactly(END);
        assertThat(t.allowed(new long[] {11, END})).isNull();               // finished: off the trie
        assertThat(t.depth()).isEqualTo(3);
    }

    @Test
    void mapsGeneratedTokensBackToExactlyOneLabel() {
        LabelTrie t = trie();
        assertThat(t.labelOf(new long[] {10, END})).isEqualTo("very");
        assertThat(t.labelOf(new long[] {10, 9, END, END})).isEqualTo("very good");
        assertThat(t.labelOf(new long[] {10, 10})).isNull(); // an incomplete path is no label
        assertThat(t.labelOf(new long[] {11})).isEqualTo("bad");
    }

    @Test
    void rejectsLabelsThatCannotBeToldApart() {
        assertThatThrownBy(() -> new LabelTrie(Map.of("a", new long[] {1}, "b", new long[] {1}), END))
                .hasMessageContaining("tokenize to the same tokens [1]");
        assertThatThrownBy(() -> new LabelTrie(Map.of("a", new long[] {}), END))
                .hasMessage("label 'a' tokenizes to no tokens");
    }
}
