package io.streambus.broker.group;

import java.util.List;

/**
 * What {@link DurableMembership} keeps of a group with members, so that members that heartbeat within their session
 * timeout after a broker restart keep their ids, generation and assignment. Immutable (the byte arrays are not
 * copied; nobody modifies them).
 *
 * @param groupId      the group
 * @param protocolType its protocol type
 * @param generation   its generation
 * @param protocol     the selected protocol, or null before the first generation
 * @param leaderId     the leader, or null
 * @param stable       true if the generation was Stable (assignments known); false while rebalancing
 * @param members      the members
 */
record DurableGroup(String groupId, String protocolType, int generation, String protocol, String leaderId,
                    boolean stable, List<DurableMember> members) {

    /**
     * One member.
     *
     * @param id                 member id
     * @param clientId           client id
     * @param sessionTimeoutMs   its session timeout
     * @param rebalanceTimeoutMs its rebalance timeout
     * @param protocols          the protocols it offered
     * @param assignment         its assignment in the stable generation (empty otherwise)
     */
    record DurableMember(String id, String clientId, int sessionTimeoutMs, int rebalanceTimeoutMs,
                         List<Protocol> protocols, byte[] assignment) {
    }

    /** The durable view of {@code g}; the caller holds the group's lock. */
    static DurableGroup of(Group g) {
        List<DurableMember> members = g.members.values().stream()
                .map(m -> new DurableMember(m.id, m.clientId == null ? "" : m.clientId, m.sessionTimeoutMs,
                        m.rebalanceTimeoutMs, List.copyOf(m.protocols), m.assignment))
                .toList();
        return new DurableGroup(g.id, g.protocolType, g.generation, g.protocol, g.leaderId,
                g.state() == GroupState.STABLE, members);
    }
}
