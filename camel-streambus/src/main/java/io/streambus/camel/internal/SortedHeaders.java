package io.streambus.camel.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.HeadersMapFactory;
import org.apache.camel.util.CaseInsensitiveMap;

/**
 * The headers the component sets on one message, gathered first and then handed to the message together.
 *
 * <p>Why: up to Camel 4.18, Camel's default header map ({@link CaseInsensitiveMap}) is a {@code TreeMap} in
 * {@link String#CASE_INSENSITIVE_ORDER}, and every {@code setHeader} walks and rebalances the tree, comparing names
 * that all start with {@code CamelStreamBus} (JFR: a quarter of the consumer thread and of the producer's completing
 * thread). There, a message without headers instead gets a clone of a map of the same names, built once per
 * combination of names and never modified ({@code TreeMap.clone} builds the copy in one pass without comparisons),
 * whose entries then get this message's values. With any other header map (Camel 4.22's {@code CaseInsensitiveMap}
 * is a hash map; a custom {@link HeadersMapFactory}), or on a message that has headers already, it is one
 * {@code setHeader} per header, as before.
 *
 * <p>Not thread-safe: one instance per message, filled and applied by one thread.
 */
public final class SortedHeaders {
    /** Whether this Camel's CaseInsensitiveMap is a TreeMap (the one-pass clone pays off and is possible). */
    private static final boolean TREE_MAP = (Object) new CaseInsensitiveMap() instanceof TreeMap;

    /**
     * A fixed set of header names in {@link String#CASE_INSENSITIVE_ORDER}, and slots to set them by, numbered in
     * the order the names were given. Immutable; thread-safe.
     */
    public static final class Layout {
        /** At most this many names, so that there is one template per combination of set names. */
        static final int MAX_NAMES = 12;

        private final String[] sorted;
        private final int[] position;
        /** By mask of set sorted positions: the names in a header map, placeholder values, built on first use. */
        private final AtomicReferenceArray<TreeMap<String, Object>> templates;

        /**
         * @param names the header names, distinct ignoring case; slot {@code i} is {@code names[i]}
         * @throws IllegalArgumentException if two names are equal ignoring case, or there are more than 12
         */
        public Layout(String... names) {
            if (names.length > MAX_NAMES) {
                throw new IllegalArgumentException("at most " + MAX_NAMES + " header names, got " + names.length);
            }
            templates = new AtomicReferenceArray<>(1 << names.length);
            String[] copy = names.clone();
            for (String n : copy) {
                Objects.requireNonNull(n, "header name");
            }
            Integer[] order = new Integer[copy.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparing(i -> copy[i], String.CASE_INSENSITIVE_ORDER));
            sorted = new String[copy.length];
            position = new int[copy.length];
            for (int p = 0; p < order.length; p++) {
                sorted[p] = copy[order[p]];
                position[order[p]] = p;
                if (p > 0 && String.CASE_INSENSITIVE_ORDER.compare(sorted[p - 1], sorted[p]) == 0) {
                    throw new IllegalArgumentException("header names equal ignoring case: " + sorted[p - 1]
                            + ", " + sorted[p]);
                }
            }
        }

        /** A new, empty set of headers of this layout. */
        public SortedHeaders newHeaders() {
            return new SortedHeaders(this);
        }

        /**
         * The names of {@code mask} in a CaseInsensitiveMap (only called when it is a TreeMap), never modified once
         * built, so that clones can be taken concurrently.
         */
        @SuppressWarnings("unchecked")
        private TreeMap<String, Object> template(int mask) {
            TreeMap<String, Object> t = templates.get(mask);
            if (t == null) {
                Map<String, Object> built = new CaseInsensitiveMap();
                for (int p = 0; p < sorted.length; p++) {
                    if ((mask & (1 << p)) != 0) {
                        built.put(sorted[p], Boolean.TRUE);
                    }
                }
                // Racing threads build equal maps; all use the one that was stored.
                TreeMap<String, Object> tree = (TreeMap<String, Object>) (Object) built;
                t = templates.compareAndSet(mask, null, tree) ? tree : templates.get(mask);
            }
            return t;
        }
    }

    private final Layout layout;
    /** By sorted position; null: not set. */
    private final Object[] values;
    /** Bit p: values[p] is set. */
    private int mask;

    private SortedHeaders(Layout layout) {
        this.layout = layout;
        this.values = new Object[layout.sorted.length];
    }

    /**
     * Sets the header of {@code slot} (its index in the names given to the {@link Layout}); null leaves it out.
     *
     * @return this
     */
    public SortedHeaders set(int slot, Object value) {
        int p = layout.position[slot];
        values[p] = value;
        if (value != null) {
            mask |= 1 << p;
        } else {
            mask &= ~(1 << p);
        }
        return this;
    }

    /** Sets these headers on {@code message}, with the same result as one {@code setHeader} each (see above). */
    public void applyTo(Message message) {
        if (mask == 0) {
            return;
        }
        // hasHeaders() also creates the map with whatever initial headers the message type populates.
        if (TREE_MAP && !message.hasHeaders()) {
            HeadersMapFactory factory = factory(message);
            TreeMap<String, Object> template = factory != null ? layout.template(mask) : null;
            if (template != null && factory.isInstanceOf(template)) {
                message.setHeaders(filledClone(template));
                return;
            }
        }
        for (int p = 0; p < values.length; p++) {
            if (values[p] != null) {
                message.setHeader(layout.sorted[p], values[p]);
            }
        }
    }

    /** A clone of {@code template} with these values: the clone iterates in name order, as {@link #values} are. */
    private Map<String, Object> filledClone(TreeMap<String, Object> template) {
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) template.clone();
        int p = 0;
        for (Map.Entry<String, Object> e : copy.entrySet()) {
            while (values[p] == null) {
                p++;
            }
            e.setValue(values[p++]);
        }
        return copy;
    }

    private static HeadersMapFactory factory(Message message) {
        Exchange exchange = message.getExchange();
        CamelContext context = exchange != null ? exchange.getContext() : null;
        return context != null ? context.getCamelContextExtension().getHeadersMapFactory() : null;
    }

    /** The set headers in name order, as a new map (for tests and logs). */
    Map<String, Object> toMap() {
        Map<String, Object> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int p = 0; p < values.length; p++) {
            if (values[p] != null) {
                m.put(layout.sorted[p], values[p]);
            }
        }
        return m;
    }
}
