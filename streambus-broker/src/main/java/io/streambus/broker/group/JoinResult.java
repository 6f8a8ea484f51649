package io.streambus.broker.group;

import java.util.List;

/**
 * Outcome of a JoinGroup (B.6.4). With {@code errorCode} 0 the fields are the success payload; otherwise only the
 * code matters (status 1, error payload).
 *
 * @param errorCode  wire error code (0, 2, 6, 20, 21, 22, 27, 29)
 * @param generation the generation the member now belongs to
 * @param protocol   the strategy selected for the group
 * @param memberId   this member's id (newly assigned on a first join)
 * @param leaderId   member id of the leader
 * @param members    for the leader: every member of the generation in ascending unsigned byte order of member id,
 *                   with its metadata for the selected protocol; empty for followers
 */
public record JoinResult(int errorCode, int generation, String protocol, String memberId, String leaderId,
                         List<MemberMetadata> members) {

    /** A failed JoinGroup. */
    public static JoinResult error(int errorCode) {
        return new JoinResult(errorCode, -1, "", "", "", List.of());
    }
}
