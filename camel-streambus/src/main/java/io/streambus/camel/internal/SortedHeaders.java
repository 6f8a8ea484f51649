package io.streambus.camel.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.HeadersMapFactory;
import org.apache.camel.util.CaseInsensitiveMap;

/**
 * The headers the component sets on one message, handed to the message in one step rather than one
 * {@code setHeader} each.
 *
 * <p>Why: Camel's default header map is a {@code TreeMap} in {@link String#CASE_INSENSITIVE_ORDER}; every
 * {@code setHeader} walks and rebalances the tree, comparing names that all start with {@code CamelStreamBus}. A
 * {@code TreeMap} given a {@link SortedMap} in its own order is built instead in one pass without comparisons, and
 * this map is such a {@code SortedMap}: the names are sorted once per {@link Layout}, and each message only fills an
 * array of values. {@link #applyTo} lets the context's {@link HeadersMapFactory} copy it into the map the message
 * keeps, so a custom factory gets the same entries. With Camel's own {@link CaseInsensitiveMap} (the default), it
 * goes one step further: it clones a map of the same names built once, and sets the values of the clone's entries.
 *
 * <p>Read-only ({@link #put} and the other mutators of {@link AbstractMap} throw); the sub-map views are copies.
 * Not thread-safe: one instance per message, filled and applied by one thread.
 */
public final class SortedHeaders extends AbstractMap<String, Object> implements SortedMap<String, Object> {

    /**
     * A fixed set of header names in {@link String#CASE_INSENSITIVE_ORDER}, and slots to set them by, numbered in
     * the order the names were given. Immutable; thread-safe.
     */
    public static final class Layout {
        /** At most this many names, so that there is one template per combination of set names. */
        static final int MAX_NAMES = 12;

        private final String[] sorted;
        private final int[] position;
        /** By mask of set sorted positions: the names as a header map with placeholder values, built on first use. */
        private final AtomicReferenceArray<CaseInsensitiveMap> templates;

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

        /** The names of {@code mask} in a header map, never modified once built (so clones can be taken concurrently). */
        private CaseInsensitiveMap template(int mask) {
            CaseInsensitiveMap t = templates.get(mask);
            if (t == null) {
                CaseInsensitiveMap built = new CaseInsensitiveMap();
                for (int p = 0; p < sorted.length; p++) {
                    if ((mask & (1 << p)) != 0) {
                        built.put(sorted[p], Boolean.TRUE);
                    }
                }
                // Racing threads build equal maps; all use the one that was stored.
                t = templates.compareAndSet(mask, null, built) ? built : templates.get(mask);
            }
            return t;
        }
    }

    private final Layout layout;
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

    /**
     * Sets these headers on {@code message}, as {@code setHeader} of each would. A message without headers gets a
     * new header map from the context's {@link HeadersMapFactory}, filled from this one in one pass; a message that
     * already has headers keeps its map and gets one {@code setHeader} per header (its other headers stay).
     */
    public void applyTo(Message message) {
        if (mask == 0) {
            return;
        }
        // hasHeaders() also creates the map with whatever initial headers the message type populates.
        HeadersMapFactory factory = message.hasHeaders() ? null : factory(message);
        if (factory != null) {
            CaseInsensitiveMap template = layout.template(mask);
            if (factory.isInstanceOf(template)) {
                message.setHeaders(filledClone(template));
            } else {
                message.setHeaders(factory.newMap(this));
            }
            return;
        }
        for (int p = 0; p < values.length; p++) {
            if (values[p] != null) {
                message.setHeader(layout.sorted[p], values[p]);
            }
        }
    }

    /** A clone of {@code template} (built in one pass, as above) with this map's values: both iterate in name order. */
    private Map<String, Object> filledClone(CaseInsensitiveMap template) {
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) template.clone();
        int p = 0;
        for (Entry<String, Object> e : copy.entrySet()) {
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

    @Override
    public Comparator<? super String> comparator() {
        return String.CASE_INSENSITIVE_ORDER;
    }

    @Override
    public int size() {
        return Integer.bitCount(mask);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Entries();
            }

            @Override
            public int size() {
                return SortedHeaders.this.size();
            }
        };
    }

    @Override
    public String firstKey() {
        for (int p = 0; p < values.length; p++) {
            if (values[p] != null) {
                return layout.sorted[p];
            }
        }
        throw new NoSuchElementException();
    }

    @Override
    public String lastKey() {
        for (int p = values.length - 1; p >= 0; p--) {
            if (values[p] != null) {
                return layout.sorted[p];
            }
        }
        throw new NoSuchElementException();
    }

    @Override
    public SortedMap<String, Object> subMap(String fromKey, String toKey) {
        return new TreeMap<>(this).subMap(fromKey, toKey);
    }

    @Override
    public SortedMap<String, Object> headMap(String toKey) {
        return new TreeMap<>(this).headMap(toKey);
    }

    @Override
    public SortedMap<String, Object> tailMap(String fromKey) {
        return new TreeMap<>(this).tailMap(fromKey);
    }

    /** The set headers in name order. */
    private final class Entries implements Iterator<Entry<String, Object>> {
        private int next = advance(0);

        private int advance(int from) {
            int p = from;
            while (p < values.length && values[p] == null) {
                p++;
            }
            return p;
        }

        @Override
        public boolean hasNext() {
            return next < values.length;
        }

        @Override
        public Entry<String, Object> next() {
            if (next >= values.length) {
                throw new NoSuchElementException();
            }
            Entry<String, Object> e = new SimpleImmutableEntry<>(layout.sorted[next], values[next]);
            next = advance(next + 1);
            return e;
        }
    }
}
