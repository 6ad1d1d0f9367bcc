package io.t4j.data;

import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** ClassLabel construction shared by the loader and {@link Dataset#classEncodeColumn}. */
final class Labels {
    private Labels() {}

    /** HF's {@code class_encode_column}: sorted distinct values (numerically when all are integers). */
    static Feature.ClassLabel sortedClassLabel(List<String> values) {
        boolean numeric = values.stream().allMatch(Labels::isInteger);
        Comparator<String> order = numeric ? Comparator.comparingLong(Long::parseLong) : Comparator.naturalOrder();
        TreeSet<String> names = new TreeSet<>(order);
        names.addAll(values);
        return new Feature.ClassLabel(List.copyOf(names));
    }

    static boolean isInteger(String s) {
        if (s == null || s.isEmpty() || s.length() > 18) {
            return false;
        }
        int start = s.charAt(0) == '-' ? 1 : 0;
        if (start == s.length()) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i)) || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
