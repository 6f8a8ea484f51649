package io.streambus.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A text table with a header row and left-aligned columns separated by two spaces, as {@code kafka-topics} and
 * {@code kafka-consumer-groups} print them. Cells are {@link String#valueOf(Object) strings}; null prints as
 * {@code -}. Not thread-safe.
 */
public final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    /** A table with these column headers. */
    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    /**
     * Adds a row.
     *
     * @throws IllegalArgumentException if the number of cells differs from the number of columns
     */
    public Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.size()
                    + " columns " + headers);
        }
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) {
            r.add(c == null ? "-" : String.valueOf(c));
        }
        rows.add(r);
        return this;
    }

    /** Number of rows (without the header). */
    public int size() {
        return rows.size();
    }

    /** The table as lines of text, each ending with a line separator. */
    public String render() {
        int[] width = new int[headers.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = headers.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, width);
        for (List<String> r : rows) {
            line(out, r, width);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = Objects.requireNonNull(cells.get(i));
            l.append(c);
            if (i < cells.size() - 1) {
                l.append(" ".repeat(width[i] - c.length() + 2));
            }
        }
        out.append(l).append(System.lineSeparator());
    }
}
