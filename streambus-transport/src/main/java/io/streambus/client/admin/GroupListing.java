package io.streambus.client.admin;

/** One consumer group from ListGroups (spec B.6.13). */
public record GroupListing(String groupId, String protocolType, String state) {
}
