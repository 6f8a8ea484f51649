package io.streambus.broker.group;

/**
 * A member of the new generation as the leader's JoinGroup response lists it.
 *
 * @param memberId member id
 * @param metadata the metadata the member sent for the selected protocol (shared, do not modify)
 */
public record MemberMetadata(String memberId, byte[] metadata) {

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberMetadata m && memberId.equals(m.memberId)
                && java.util.Arrays.equals(metadata, m.metadata);
    }

    @Override
    public int hashCode() {
        return memberId.hashCode();
    }

    @Override
    public String toString() {
        return "MemberMetadata[" + memberId + ", " + metadata.length + " bytes]";
    }
}
