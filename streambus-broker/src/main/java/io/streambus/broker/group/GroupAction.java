package io.streambus.broker.group;

/** What a principal asks to do, passed to {@link GroupAuthorizer}. */
public enum GroupAction {
    /** JoinGroup. */
    JOIN,
    /** SyncGroup. */
    SYNC,
    /** Heartbeat. */
    HEARTBEAT,
    /** LeaveGroup. */
    LEAVE,
    /** OffsetCommit: checked on the group and, per partition, on the topic (code 41). */
    COMMIT_OFFSETS,
    /** OffsetFetch: checked on the group and, per partition, on the topic (code 41). */
    FETCH_OFFSETS,
    /** DeleteGroups. */
    DELETE,
    /** ListGroups: groups the principal may not describe are left out. */
    DESCRIBE
}
