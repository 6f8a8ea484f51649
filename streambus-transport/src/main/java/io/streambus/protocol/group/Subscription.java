package io.streambus.protocol.group;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streambus.common.TopicPartition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Consumer-protocol subscription (spec B.6.2), carried as the protocol metadata of a JoinGroup and handed to the
 * leader with every member's metadata. Immutable and thread-safe.
 *
 * <p>Topics are kept distinct and sorted in unsigned UTF-8 byte order, owned partitions distinct and sorted by topic
 * then partition, so {@link #encode} is canonical whatever order the values were given or decoded in.
 *
 * @param version         structure version; 0 when encoding, any non-negative value accepted when decoding
 * @param topics          subscribed topics
 * @param ownedPartitions the partitions of the member's last assignment (used by {@code sticky}); empty on a first
 *                        join
 * @param userData        strategy-defined bytes, empty unless a strategy defines them
 */
public record Subscription(short version, List<String> topics, List<TopicPartition> ownedPartitions,
                           byte[] userData) {

    /** The version this implementation writes. */
    public static final short CURRENT_VERSION = 0;

    private static final String NAME = "Subscription";

    public Subscription {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        topics = canonicalTopics(topics);
        ownedPartitions = canonicalPartitions(ownedPartitions);
        userData = userData == null ? new byte[0] : userData.clone();
    }

    /** A version-0 subscription without owned partitions or user data. */
    public Subscription(List<String> topics) {
        this(CURRENT_VERSION, topics, List.of(), new byte[0]);
    }

    /** A version-0 subscription with owned partitions and no user data. */
    public Subscription(List<String> topics, List<TopicPartition> ownedPartitions) {
        this(CURRENT_VERSION, topics, ownedPartitions, new byte[0]);
    }

    /** A copy of the user data. */
    @Override
    public byte[] userData() {
        return userData.clone();
    }

    /** Writes the structure at the writer index of {@code out}. */
    public void encode(ByteBuf out) {
        out.writeShort(version);
        out.writeInt(topics.size());
        for (String t : topics) {
            StructWriter.string(out, t);
        }
        StructWriter.topicPartitions(out, ownedPartitions);
        StructWriter.bytes(out, userData);
    }

    /** Number of bytes {@link #encode} writes. */
    public int encodedSize() {
        int size = 2 + 4;
        for (String t : topics) {
            size += StructWriter.stringSize(t);
        }
        return size + StructWriter.topicPartitionsSize(ownedPartitions) + 4 + userData.length;
    }

    /** The encoded structure as a new array (JoinGroup protocol metadata). */
    public byte[] toBytes() {
        ByteBuf buf = Unpooled.buffer(encodedSize());
        try {
            encode(buf);
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }

    /**
     * Reads a subscription from the reader index of {@code in}, leaving the reader index after the last known field
     * (bytes after it are ignored, as the spec requires of decoders).
     *
     * @throws ConsumerProtocolException if the bytes are truncated or otherwise malformed
     */
    public static Subscription decode(ByteBuf in) {
        StructReader r = new StructReader(NAME, in);
        short version = r.i16("version");
        if (version < 0) {
            throw new ConsumerProtocolException(NAME, "version", 0, "negative version " + version);
        }
        int n = r.count("topic count", 4);
        List<String> topics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            topics.add(r.string("topics[" + i + "]"));
        }
        List<TopicPartition> owned = r.topicPartitions("owned partitions");
        byte[] userData = r.bytes("user data");
        return new Subscription(version, topics, owned, userData);
    }

    /** Decodes a whole array, see {@link #decode(ByteBuf)}. */
    public static Subscription fromBytes(byte[] bytes) {
        return decode(Unpooled.wrappedBuffer(bytes));
    }

    static List<String> canonicalTopics(List<String> topics) {
        Objects.requireNonNull(topics, "topics");
        TreeSet<String> set = new TreeSet<>(Utf8Order.STRINGS);
        for (String t : topics) {
            set.add(Objects.requireNonNull(t, "topic"));
        }
        return List.copyOf(set);
    }

    static List<TopicPartition> canonicalPartitions(List<TopicPartition> partitions) {
        Objects.requireNonNull(partitions, "partitions");
        TreeSet<TopicPartition> set = new TreeSet<>(Utf8Order.TOPIC_PARTITIONS);
        for (TopicPartition tp : partitions) {
            set.add(Objects.requireNonNull(tp, "partition"));
        }
        return List.copyOf(set);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subscription s && version == s.version && topics.equals(s.topics)
                && ownedPartitions.equals(s.ownedPartitions) && Arrays.equals(userData, s.userData);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, topics, ownedPartitions, Arrays.hashCode(userData));
    }

    @Override
    public String toString() {
        return "Subscription[version=" + version + ", topics=" + topics + ", owned=" + ownedPartitions
                + ", userData=" + userData.length + " bytes]";
    }
}
