package io.t4j.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code str} whitespace semantics, which HF's data code relies on ({@code question.lstrip()} in run_qa.py,
 * {@code text.split()} in the SQuAD metric). Java's {@code String.strip()} and {@code Character.isWhitespace}
 * differ: they do not count the no-break spaces (U+00A0, U+2007, U+202F) or U+0085, which SQuAD's contexts hold.
 */
public final class PythonStrings {
    private PythonStrings() {}

    /**
     * Python's {@code str.isspace()} for one code point: Java's whitespace, the space separators (no-break spaces
     * included) and NEL (U+0085).
     */
    public static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == 0x85;
    }

    /** Python's {@code s.lstrip()}. */
    public static String lstrip(String s) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!isSpace(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    /** Python's {@code s.split()}: the runs of non-space characters; none for an empty or all-space string. */
    public static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (isSpace(cp)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }
}
