package io.streambus.protocol.group;

import io.streambus.protocol.Checks;
import java.util.Arrays;

/** A member in the leader's JoinGroup response (B.6.4), with the metadata it sent for the selected protocol. */
public record GroupMember(String memberId, byte[] metadata) {
    public GroupMember {
        memberId = Checks.str(memberId);
        metadata = Checks.bytes(metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupMember m && memberId.equals(m.memberId) && Arrays.equals(metadata, m.metadata);
    }

    @Override
    public int hashCode() {
        return 31 * memberId.hashCode() + Arrays.hashCode(metadata);
    }

    @Override
    public String toString() {
        return "GroupMember[memberId=" + memberId + ", metadata=" + metadata.length + "B]";
    }
}
