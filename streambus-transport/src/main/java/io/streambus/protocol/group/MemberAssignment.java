package io.streambus.protocol.group;

import io.streambus.protocol.Checks;

/**
 * A member's assignment in the leader's SyncGroup (B.6.5).
 *
 * @param memberId   member id
 * @param assignment opaque assignment (the B.6.2 assignment for protocol type {@code consumer})
 */
public record MemberAssignment(String memberId, byte[] assignment) {
    public MemberAssignment {
        memberId = Checks.str(memberId);
        assignment = Checks.bytes(assignment);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberAssignment m && memberId.equals(m.memberId)
                && java.util.Arrays.equals(assignment, m.assignment);
    }

    @Override
    public int hashCode() {
        return 31 * memberId.hashCode() + java.util.Arrays.hashCode(assignment);
    }

    @Override
    public String toString() {
        return "MemberAssignment[memberId=" + memberId + ", assignment=" + assignment.length + "B]";
    }
}
