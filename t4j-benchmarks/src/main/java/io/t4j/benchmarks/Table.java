package io.t4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A section's printed result: a markdown table (so it pastes into BENCHMARKS.md as it is) and notes below it.
 *
 * @param title  the section heading
 * @param header column names
 * @param rows   cells, one list per row, as wide as the header
 * @param notes  lines printed under the table (methods, caveats, what was not measured and why)
 */
public record Table(String title, List<String> header, List<List<String>> rows, List<String> notes) {
    public Table {
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("table '" + title + "': row " + r + " has " + r.size()
                        + " cells, the header " + header.size());
            }
        }
    }

    /** The table as markdown, title first, notes last. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("### ").append(title).append("\n\n");
        sb.append(line(header)).append(line(header.stream().map(h -> "---").toList()));
        rows.forEach(r -> sb.append(line(r)));
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        }
        return sb.toString();
    }

    private static String line(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    /** A number with {@code decimals} decimals and thousands separators; "n/a" for null or NaN. */
    public static String num(Double value, int decimals) {
        if (value == null || !Double.isFinite(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    /** A fraction as a percentage with one decimal; "n/a" for null. */
    public static String pct(Double fraction) {
        return fraction == null || !Double.isFinite(fraction) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    /** A mutable row list, for building tables. */
    public static List<List<String>> newRows() {
        return new ArrayList<>();
    }
}
