package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The B.2 "topic → partition → value" structure: topics in order, each with its entries. {@code P} is
 * {@link Integer} (a bare partition; decoded as a {@link PartitionIds}, without boxing), {@link PartitionResult}, {@link PartitionOffset} or
 * {@link PartitionOffsetResult}. Decoders keep wire order; encoders write topics in ascending unsigned UTF-8 byte
 * order and partitions ascending. Immutable.
 *
 * @param topics topics in order; each topic at most once
 */
public record TopicPartitions<P>(List<Topic<P>> topics) {

    /**
     * One topic's entries.
     *
     * @param name       topic name
     * @param partitions entries; empty means "every partition" in OffsetFetch (B.6.9)
     */
    public record Topic<P>(String name, List<P> partitions) {
        @SuppressWarnings("unchecked")
        public Topic {
            Objects.requireNonNull(name, "topic name");
            // PartitionIds is immutable already; copying it would box every id.
            partitions = partitions instanceof PartitionIds ? (List<P>) partitions : List.copyOf(partitions);
        }
    }

    public TopicPartitions {
        topics = List.copyOf(topics);
    }

    public static <P> TopicPartitions<P> empty() {
        return new TopicPartitions<>(List.of());
    }

    /** From a map topic → entries, in the map's iteration order. */
    public static <P> TopicPartitions<P> of(Map<String, ? extends List<P>> map) {
        List<Topic<P>> topics = new ArrayList<>(map.size());
        map.forEach((name, entries) -> topics.add(new Topic<>(name, entries)));
        return new TopicPartitions<>(topics);
    }

    /** A single topic. */
    public static <P> TopicPartitions<P> of(String topic, List<P> partitions) {
        return new TopicPartitions<>(List.of(new Topic<>(topic, partitions)));
    }

    /** Topic → entries, in order. */
    public Map<String, List<P>> asMap() {
        Map<String, List<P>> map = new LinkedHashMap<>();
        for (Topic<P> t : topics) {
            map.put(t.name(), t.partitions());
        }
        return map;
    }

    public boolean isEmpty() {
        return topics.isEmpty();
    }

    /** Number of entries over all topics. */
    public int entryCount() {
        int n = 0;
        for (Topic<P> t : topics) {
            n += t.partitions().size();
        }
        return n;
    }

    /** Topics sorted by unsigned UTF-8 byte order (= code point order), entries by partition. */
    TopicPartitions<P> sorted(Element<P> element) {
        List<Topic<P>> copy = new ArrayList<>(topics.size());
        Comparator<P> byPartition = Comparator.comparingInt(element::partition);
        for (Topic<P> t : topics) {
            List<P> ps = new ArrayList<>(t.partitions());
            ps.sort(byPartition);
            copy.add(new Topic<>(t.name(), ps));
        }
        copy.sort((a, b) -> compareUtf8(a.name(), b.name()));
        return new TopicPartitions<>(copy);
    }

    /** Compares as unsigned UTF-8 bytes would, i.e. by code point (String.compareTo differs above U+D7FF). */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * Layout of one entry; {@link #read} checks every count and length against the bytes left. Implementations
     * are stateless and thread-safe.
     */
    public interface Element<P> {
        /** The entry's partition id. */
        int partition(P p);

        /** Writes one entry, partition first. */
        void write(ByteBuf out, P p);

        /** Reads one entry, partition first. */
        P read(PayloadReader r);

        /** Fewest bytes one entry takes on the wire. */
        int minSize();
    }

    public static final Element<Integer> PARTITION = new Element<>() {
        @Override
        public int partition(Integer p) {
            return p;
        }

        @Override
        public void write(ByteBuf out, Integer p) {
            out.writeInt(p);
        }

        @Override
        public Integer read(PayloadReader r) {
            return r.nonNegative("partition");
        }

        @Override
        public int minSize() {
            return 4;
        }
    };

    public static final Element<PartitionResult> PARTITION_RESULT = new Element<>() {
        @Override
        public int partition(PartitionResult p) {
            return p.partition();
        }

        @Override
        public void write(ByteBuf out, PartitionResult p) {
            out.writeInt(p.partition()).writeShort(p.errorCode());
        }

        @Override
        public PartitionResult read(PayloadReader r) {
            return new PartitionResult(r.nonNegative("partition"), r.u16("error code"));
        }

        @Override
        public int minSize() {
            return 6;
        }
    };

    public static final Element<PartitionOffset> PARTITION_OFFSET = new Element<>() {
        @Override
        public int partition(PartitionOffset p) {
            return p.partition();
        }

        @Override
        public void write(ByteBuf out, PartitionOffset p) {
            out.writeInt(p.partition()).writeLong(p.offset());
            Wire.string(out, p.metadata());
        }

        @Override
        public PartitionOffset read(PayloadReader r) {
            return new PartitionOffset(r.nonNegative("partition"), r.i64("offset"), r.string("metadata"));
        }

        @Override
        public int minSize() {
            return 16;
        }
    };

    public static final Element<PartitionOffsetResult> PARTITION_OFFSET_RESULT = new Element<>() {
        @Override
        public int partition(PartitionOffsetResult p) {
            return p.partition();
        }

        @Override
        public void write(ByteBuf out, PartitionOffsetResult p) {
            out.writeInt(p.partition()).writeLong(p.offset());
            Wire.string(out, p.metadata());
            out.writeShort(p.errorCode());
        }

        @Override
        public PartitionOffsetResult read(PayloadReader r) {
            return new PartitionOffsetResult(r.nonNegative("partition"), r.i64("offset"), r.string("metadata"),
                    r.u16("error code"));
        }

        @Override
        public int minSize() {
            return 18;
        }
    };
}
