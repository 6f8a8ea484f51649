package io.streambus.broker.group;

import java.util.List;

/**
 * Test-only view of a coordinator's groups for tests outside this package (a wire client cannot see members).
 * Thread-safe: reads a consistent snapshot under the group's lock.
 */
public final class GroupProbe {
    private GroupProbe() {
    }

    /** The member ids of a group in unsigned byte order; empty if the group does not exist. */
    public static List<String> members(GroupCoordinator coordinator, String groupId) {
        GroupCoordinator.GroupSnapshot s = coordinator.snapshot(groupId);
        return s == null ? List.of() : s.members();
    }
}
