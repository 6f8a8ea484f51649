package io.streambus.broker.group;

/**
 * One entry of the leader's SyncGroup.
 *
 * @param memberId   the member the assignment is for
 * @param assignment the assignment bytes (opaque to the coordinator; not copied)
 */
public record MemberAssignment(String memberId, byte[] assignment) {

    public MemberAssignment {
        assignment = assignment == null ? new byte[0] : assignment;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberAssignment m && memberId.equals(m.memberId)
                && java.util.Arrays.equals(assignment, m.assignment);
    }

    @Override
    public int hashCode() {
        return memberId.hashCode();
    }

    @Override
    public String toString() {
        return "MemberAssignment[" + memberId + ", " + assignment.length + " bytes]";
    }
}
