package io.t4j.server;

import java.util.List;

/**
 * OpenAI's {@code stop}: the returned text ends before the first stop sequence (HF's {@code stop_strings} end
 * generation but keep the string). Streamed text is held back only while its end could still begin a stop sequence
 * (its longest suffix that is a prefix of one), so the concatenated deltas equal the non-streamed text.
 */
final class StopSequences {
    private final List<String> stops;
    private final StringBuilder text = new StringBuilder();
    private int emitted;
    private boolean stopped;

    StopSequences(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /** {@code text} cut before the first occurrence of any stop sequence. */
    static String cut(String text, List<String> stops) {
        int at = firstStop(text, stops);
        return at < 0 ? text : text.substring(0, at);
    }

    /** Adds a streamed piece; the text that is now final and can be sent ("" when none). */
    String add(String piece) {
        if (stopped) {
            return "";
        }
        text.append(piece);
        int at = firstStop(text, stops);
        int safe;
        if (at >= 0) {
            stopped = true;
            safe = at;
        } else {
            safe = Math.max(emitted, text.length() - heldBack());
            if (safe > emitted && Character.isHighSurrogate(text.charAt(safe - 1))) {
                safe--; // never split a character
            }
        }
        return take(safe);
    }

    /** At the end: the rest of the text up to the first stop sequence. */
    String finish() {
        int at = firstStop(text, stops);
        return take(at >= 0 ? at : text.length());
    }

    /** The length of the text's longest suffix that is a proper prefix of a stop sequence. */
    private int heldBack() {
        int held = 0;
        for (String stop : stops) {
            for (int k = Math.min(stop.length() - 1, text.length()); k > held; k--) {
                if (text.substring(text.length() - k).equals(stop.substring(0, k))) {
                    held = k;
                    break;
                }
            }
        }
        return held;
    }

    private String take(int upTo) {
        if (upTo <= emitted) {
            return "";
        }
        String out = text.substring(emitted, upTo);
        emitted = upTo;
        return out;
    }

    private static int firstStop(CharSequence text, List<String> stops) {
        String s = text.toString();
        int first = -1;
        for (String stop : stops) {
            int i = s.indexOf(stop);
            if (i >= 0 && (first < 0 || i < first)) {
                first = i;
            }
        }
        return first;
    }
}
