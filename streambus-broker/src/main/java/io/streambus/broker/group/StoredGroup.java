package io.streambus.broker.group;

import java.util.Objects;

/**
 * What the offset store keeps about a group besides its offsets, so that an Empty group keeps its protocol type and
 * its retention countdown across restarts.
 *
 * @param protocolType the group's protocol type; empty for a group that only ever received standalone commits
 * @param emptySinceMs wall-clock time the group last became Empty, or -1 while it has members
 */
public record StoredGroup(String protocolType, long emptySinceMs) {

    public StoredGroup {
        Objects.requireNonNull(protocolType, "protocolType");
    }
}
