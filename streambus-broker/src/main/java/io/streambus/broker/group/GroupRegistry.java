package io.streambus.broker.group;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live groups by id, shared by the membership and offset sides of the coordinator. Thread-safe: the map is
 * concurrent; a group's own state is guarded by its monitor. A group removed from here is Dead, and a caller that
 * finds a Dead group under its lock looks it up again.
 */
final class GroupRegistry {
    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();

    /** The group, or null. */
    Group get(String id) {
        return groups.get(id);
    }

    /** The group, created Empty (protocol type "") if there is none. */
    Group getOrCreate(String id) {
        return groups.computeIfAbsent(id, Group::new);
    }

    /** Adds a recovered group. */
    void add(Group g) {
        groups.put(g.id, g);
    }

    /** A weakly consistent view of every group. */
    Collection<Group> all() {
        return groups.values();
    }

    /**
     * The group ceases to exist: it becomes Dead, its timers (phase, retention, sessions) are cancelled and it is
     * removed. Caller holds the group's lock; the group must be Empty.
     */
    void remove(Group g) {
        g.transitionTo(GroupState.DEAD);
        g.cancelPhaseTimer();
        g.cancelRetention();
        for (Member m : g.members.values()) {
            m.cancelSessionTimer();
        }
        groups.remove(g.id, g);
    }
}
