package io.streambus.protocol.group;

import io.streambus.protocol.Checks;

/** One ListGroups entry (B.6.13). */
public record GroupInfo(String groupId, String protocolType, String state) {
    public GroupInfo {
        groupId = Checks.str(groupId);
        protocolType = Checks.str(protocolType);
        state = Checks.str(state);
    }
}
