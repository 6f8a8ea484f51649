package io.streambus.protocol.group;

import io.streambus.protocol.Checks;

/** One DeleteGroups result (B.6.12). */
public record GroupResult(String groupId, int errorCode) {
    public GroupResult {
        groupId = Checks.str(groupId);
        Checks.u16("errorCode", errorCode);
    }
}
