package io.streambus.client.admin;

/** One consumer group from ListGroups (spec B.6.13). */
public record GroupListing(String groupId, String protocolType, String state) {
    /** Protocol type of share groups (spec B.13.3). */
    public static final String SHARE_PROTOCOL_TYPE = "share";

    /** True for a share group, false for a consumer group. */
    public boolean isShareGroup() {
        return SHARE_PROTOCOL_TYPE.equals(protocolType);
    }
}
