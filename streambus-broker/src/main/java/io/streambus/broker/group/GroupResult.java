package io.streambus.broker.group;

/**
 * Per-group result of DeleteGroups.
 *
 * @param groupId   the group, as requested
 * @param errorCode 0, 7 (deletion could not be stored), 24, 27 or 46
 */
public record GroupResult(String groupId, int errorCode) {
}
