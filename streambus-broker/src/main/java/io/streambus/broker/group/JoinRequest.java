package io.streambus.broker.group;

import java.util.List;

/**
 * The values of one JoinGroup request (B.6.4) as {@link GroupCoordinator#joinGroup} takes them. Immutable (the
 * coordinator copies {@code protocols}); checked by the coordinator, not here, so that the spec's error codes and
 * their order apply.
 *
 * @param connectionId       identifies the connection the request came on; when it closes, call
 *                           {@link GroupCoordinator#connectionClosed} so that a new member whose held JoinGroup was
 *                           on it is removed (null: not tied to a connection)
 * @param principal          authenticated principal for {@link GroupAuthorizer}
 * @param groupId            the group to join
 * @param sessionTimeoutMs   the member's session timeout
 * @param rebalanceTimeoutMs the member's rebalance timeout
 * @param memberId           empty (or null) on a first join
 * @param clientId           the client's id (null: empty)
 * @param protocolType       the group's protocol type, e.g. "consumer"
 * @param protocols          offered strategies in preference order
 */
public record JoinRequest(Object connectionId, String principal, String groupId, int sessionTimeoutMs,
                          int rebalanceTimeoutMs, String memberId, String clientId, String protocolType,
                          List<Protocol> protocols) {
}
