package io.t4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI's stop sequences over streamed text: what is sent equals the non-streamed answer, whatever the pieces. */
class StopSequencesTest {
    static String stream(List<String> pieces, List<String> stops) {
        StopSequences s = new StopSequences(stops);
        StringBuilder sent = new StringBuilder();
        pieces.forEach(p -> sent.append(s.add(p)));
        return sent.append(s.finish()).toString();
    }

    @Test
    void theTextEndsBeforeTheFirstStopSequenceEvenWhenItSpansPieces() {
        List<String> stops = List.of("END", "\n\n");
        assertThat(StopSequences.cut("hello wo\n\nrld END", stops)).isEqualTo("hello wo");
        assertThat(stream(List.of("hel", "lo E", "N", "D more"), stops)).isEqualTo("hello ");
        assertThat(stream(List.of("a\n", "\nb"), stops)).isEqualTo("a");
        assertThat(stream(List.of("no ", "stop ", "here E"), stops)).isEqualTo("no stop here E");
        assertThat(stream(List.of("x"), List.of())).isEqualTo("x");
    }

    @Test
    void heldBackTextIsSentOnceItCannotStartAStop() {
        StopSequences s = new StopSequences(List.of("STOP"));
        assertThat(s.add("abcS")).isEqualTo("abc"); // "S" could still begin "STOP"
        assertThat(s.add("T")).isEqualTo("");       // nor can "ST" be sent yet
        assertThat(s.add("x")).isEqualTo("STx");    // "STx" begins no stop sequence
        assertThat(s.add("STO")).isEqualTo("");
        assertThat(s.add("P and more")).isEqualTo("");
        assertThat(s.finish()).isEqualTo("");
    }
}
