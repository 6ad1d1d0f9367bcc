package io.t4j.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test tokenizer with BERT's pair layout ({@code [CLS] a [SEP] b [SEP]}) over whitespace-separated words, and
 * overflowing windows as HF's Rust tokenizers cut them ({@code Encoding::truncate}: pieces of the truncated text
 * starting every {@code room - stride} tokens, until one reaches its end).
 */
final class WhitespaceQaTokenizer implements QuestionContextTokenizer {
    static final int PAD = 0;
    static final int CLS = 101;
    static final int SEP = 102;
    private final Map<String, Integer> vocab = new HashMap<>();
    private final boolean padOnRight;

    WhitespaceQaTokenizer(boolean padOnRight) {
        this.padOnRight = padOnRight;
    }

    /** Words with their character spans: [id, start, end] per word. */
    synchronized List<int[]> words(String text) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && PythonStrings.isSpace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < text.length() && !PythonStrings.isSpace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                int id = vocab.computeIfAbsent(text.substring(start, i), w -> 1000 + vocab.size());
                out.add(new int[] {id, start, i});
            }
        }
        return out;
    }

    @Override
    public int numSpecialTokensToAdd() {
        return 3;
    }

    @Override
    public int[] tokenCounts(List<String> texts) {
        return texts.stream().mapToInt(t -> words(t).size()).toArray();
    }

    @Override
    public QaWindows encodeWithOverflow(List<String> text, List<String> textPair, boolean truncateSecond, int maxLength,
                                       int stride, boolean padToMaxLength) {
        List<int[]> ids = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        List<int[]> masks = new ArrayList<>();
        List<int[]> offsets = new ArrayList<>();
        List<int[]> seqIds = new ArrayList<>();
        List<Integer> mapping = new ArrayList<>();
        for (int s = 0; s < text.size(); s++) {
            List<int[]> a = words(text.get(s));
            List<int[]> b = words(textPair.get(s));
            List<int[]> kept = truncateSecond ? a : b;
            List<int[]> cut = truncateSecond ? b : a;
            int room = maxLength - kept.size() - 3;
            List<List<int[]>> pieces = new ArrayList<>();
            if (cut.size() <= room) {
                pieces.add(cut);
            } else {
                for (int start = 0; ; start += room - stride) {
                    int stop = Math.min(start + room, cut.size());
                    pieces.add(cut.subList(start, stop));
                    if (stop == cut.size()) {
                        break;
                    }
                }
            }
            for (List<int[]> piece : pieces) {
                List<int[]> first = truncateSecond ? a : piece;
                List<int[]> second = truncateSecond ? piece : b;
                int length = padToMaxLength ? maxLength : first.size() + second.size() + 3;
                int[] id = new int[length];
                int[] type = new int[length];
                int[] mask = new int[length];
                int[] off = new int[2 * length];
                int[] seq = new int[length];
                java.util.Arrays.fill(seq, QaWindows.NONE);
                int t = 0;
                id[t] = CLS;
                mask[t++] = 1;
                for (int[] w : first) {
                    id[t] = w[0];
                    off[2 * t] = w[1];
                    off[2 * t + 1] = w[2];
                    seq[t] = 0;
                    mask[t++] = 1;
                }
                id[t] = SEP;
                mask[t++] = 1;
                for (int[] w : second) {
                    id[t] = w[0];
                    off[2 * t] = w[1];
                    off[2 * t + 1] = w[2];
                    seq[t] = 1;
                    type[t] = 1;
                    mask[t++] = 1;
                }
                id[t] = SEP;
                type[t] = 1;
                mask[t] = 1;
                ids.add(id);
                types.add(type);
                masks.add(mask);
                offsets.add(off);
                seqIds.add(seq);
                mapping.add(s);
            }
        }
        return new QaWindows(ids.toArray(int[][]::new), masks.toArray(int[][]::new), types.toArray(int[][]::new),
                offsets.toArray(int[][]::new), seqIds.toArray(int[][]::new), mapping.stream().mapToInt(Integer::intValue).toArray());
    }

    @Override
    public boolean padOnRight() {
        return padOnRight;
    }

    @Override
    public Integer clsTokenId() {
        return CLS;
    }

    @Override
    public Integer bosTokenId() {
        return null;
    }
}
