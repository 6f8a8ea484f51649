package io.streambus.protocol.group;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streambus.common.TopicPartition;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Consumer-protocol assignment (spec B.6.2, the fields of {@code MemberAssignment}), sent by the leader in SyncGroup
 * and returned to each member. Immutable and thread-safe. Partitions are kept distinct and sorted by topic (unsigned
 * UTF-8 byte order) then partition, so {@link #encode} is canonical.
 *
 * <p>A SyncGroup response of length 0 means "nothing assigned"; {@link #fromBytes} maps it to {@link #EMPTY}.
 *
 * @param version    structure version; 0 when encoding, any non-negative value accepted when decoding
 * @param partitions assigned partitions
 * @param userData   strategy-defined bytes, empty
 */
public record Assignment(short version, List<TopicPartition> partitions, byte[] userData) {

    /** The version this implementation writes. */
    public static final short CURRENT_VERSION = 0;

    /** Nothing assigned. */
    public static final Assignment EMPTY = new Assignment(List.of());

    private static final String NAME = "Assignment";

    public Assignment {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
        partitions = Subscription.canonicalPartitions(partitions);
        userData = userData == null ? new byte[0] : userData.clone();
    }

    /** A version-0 assignment without user data. */
    public Assignment(List<TopicPartition> partitions) {
        this(CURRENT_VERSION, partitions, new byte[0]);
    }

    /** A copy of the user data. */
    @Override
    public byte[] userData() {
        return userData.clone();
    }

    /** Writes the structure at the writer index of {@code out}. */
    public void encode(ByteBuf out) {
        out.writeShort(version);
        StructWriter.topicPartitions(out, partitions);
        StructWriter.bytes(out, userData);
    }

    /** Number of bytes {@link #encode} writes. */
    public int encodedSize() {
        return 2 + StructWriter.topicPartitionsSize(partitions) + 4 + userData.length;
    }

    /** The encoded structure as a new array (SyncGroup assignment bytes). */
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
     * Reads an assignment from the reader index of {@code in}, leaving the reader index after the last known field.
     *
     * @throws ConsumerProtocolException if the bytes are truncated or otherwise malformed
     */
    public static Assignment decode(ByteBuf in) {
        StructReader r = new StructReader(NAME, in);
        short version = r.i16("version");
        if (version < 0) {
            throw new ConsumerProtocolException(NAME, "version", 0, "negative version " + version);
        }
        List<TopicPartition> partitions = r.topicPartitions("partitions");
        byte[] userData = r.bytes("user data");
        return new Assignment(version, partitions, userData);
    }

    /** Decodes a whole array; an empty array (the leader assigned nothing) gives {@link #EMPTY}. */
    public static Assignment fromBytes(byte[] bytes) {
        if (bytes.length == 0) {
            return EMPTY;
        }
        return decode(Unpooled.wrappedBuffer(bytes));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Assignment a && version == a.version && partitions.equals(a.partitions)
                && Arrays.equals(userData, a.userData);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, partitions, Arrays.hashCode(userData));
    }

    @Override
    public String toString() {
        return "Assignment[version=" + version + ", partitions=" + partitions + ", userData=" + userData.length
                + " bytes]";
    }
}
