package io.t4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The gold entities the ner section scores the pipeline against: IOB2 chunks as character spans of the joined words. */
class NerSectionTest {
    @Test
    void goldSpansAreTheChunksInTheJoinedText() {
        String[] words = {"EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", "Peter", "Blackburn"};
        String[] tags = {"B-ORG", "O", "B-MISC", "O", "O", "O", "B-MISC", "O", "B-PER", "I-PER"};
        String text = String.join(" ", words);
        assertThat(NerSection.spans(4, words, tags)).containsExactly("4 ORG 0 2", "4 MISC 11 17", "4 MISC 34 41",
                "4 PER 47 62");
        assertThat(text.substring(47, 62)).isEqualTo("Peter Blackburn");
        assertThat(text.substring(34, 41)).isEqualTo("British");
        // B- after B- of the same type ends a chunk; an I- of another type starts one, as in conlleval
        assertThat(NerSection.spans(0, new String[] {"a", "b", "c", "d"}, new String[] {"B-LOC", "B-LOC", "I-PER", "O"}))
                .containsExactly("0 LOC 0 1", "0 LOC 2 3", "0 PER 4 5");
    }
}
