package io.streambus.broker.group;

/**
 * Outcome of a SyncGroup (B.6.5).
 *
 * @param errorCode  wire error code (0, 2, 6, 20, 22, 24, 27, 28)
 * @param assignment this member's assignment bytes, length 0 if the leader gave it nothing (shared, do not modify)
 */
public record SyncResult(int errorCode, byte[] assignment) {

    private static final byte[] NONE = new byte[0];

    /** A failed SyncGroup. */
    public static SyncResult error(int errorCode) {
        return new SyncResult(errorCode, NONE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyncResult s && errorCode == s.errorCode
                && java.util.Arrays.equals(assignment, s.assignment);
    }

    @Override
    public int hashCode() {
        return errorCode * 31 + java.util.Arrays.hashCode(assignment);
    }

    @Override
    public String toString() {
        return "SyncResult[" + errorCode + ", " + assignment.length + " bytes]";
    }
}
