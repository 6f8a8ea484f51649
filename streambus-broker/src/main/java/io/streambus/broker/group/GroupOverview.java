package io.streambus.broker.group;

/**
 * One group of a ListGroups reply.
 *
 * @param groupId      group id
 * @param protocolType {@code consumer} for consumer groups (kept while Empty); empty for a group that only ever
 *                     received standalone commits
 * @param state        current state (never {@link GroupState#DEAD}); {@link GroupState#wireName()} is the wire text
 */
public record GroupOverview(String groupId, String protocolType, GroupState state) {
}
