/**
 * Consumer groups and committed offsets on the broker (spec B.6): the {@link io.streambus.broker.group.GroupCoordinator}
 * and its durable {@link io.streambus.broker.group.OffsetStore}. Used by {@code io.streambus.broker.server} and the
 * broker's root package; the public types are the coordinator's API, the rest is internal.
 *
 * <h2>Structure</h2>
 * {@code GroupCoordinator} is a façade: it checks each request's validity and authorization in the order B.6 gives
 * and delegates to {@code GroupMembershipManager} (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, rebalances, session
 * expiry) and {@code OffsetManager} (OffsetCommit, OffsetFetch, transactional offsets, offset retention, topic
 * deletion cleanup, group deletion; it owns the {@code OffsetStore}). Both share the {@code GroupRegistry} of live
 * groups. {@code DurableMembership} keeps membership (members, generation, assignments) as records of the same
 * offsets log, so that members that heartbeat in time after a restart keep their partitions. A {@code Group}'s state changes only through {@code Group.transitionTo}, which refuses any transition
 * that {@link io.streambus.broker.group.GroupState} does not allow (modelled on Kafka's classic group state
 * machine).
 *
 * <h2>Wiring (server side)</h2>
 * <pre>{@code
 * GroupCoordinator groups = GroupCoordinator.open(dataDir,
 *         GroupCoordinatorConfig.builder().offsetRetention("7d").build(),
 *         topic -> log.partitionCount(topic),          // TopicMetadata: -1 if the topic does not exist
 *         acls,                                         // GroupAuthorizer, or GroupAuthorizer.ALLOW_ALL
 *         scheduledExecutor);                           // timers; setRemoveOnCancelPolicy(true) recommended
 * ...
 * channel.closeFuture().addListener(f -> groups.connectionClosed(channel.id()));
 * ...
 * groups.topicDeleted(topic);                           // after DeleteTopic
 * groups.close();                                       // on shutdown, before the executor
 * }</pre>
 *
 * <p>The server decodes a request (B.2 steps 1–6: framing, type, connection state, version, flags, payload),
 * calls the coordinator with plain values and the connection's principal, and encodes the future's result when it
 * completes (keeping responses in order on the connection, B.2). The coordinator applies the checks of step 7 in the
 * order each section gives, including the length limits on group id (1–1024 bytes), client id (≤ 255), metadata
 * (≤ 4096, per partition code 26) and the duplicate/empty-entry rules of TopicPartitions — so the server may pass
 * decoded lists through unchanged. Every result carries a <em>wire</em> error code ({@link io.streambus.protocol.ErrorCode});
 * a non-zero request-level code means status 1 with the error payload. 6 RequestTimeout is returned after
 * {@code close()} (shutdown, B.8).
 *
 * <table>
 * <caption>Request → method</caption>
 * <tr><th>Request</th><th>Method</th><th>Result</th></tr>
 * <tr><td>JoinGroup 0x08</td><td>{@code joinGroup(new JoinRequest(connectionId, principal, groupId, sessionTimeoutMs,
 *     rebalanceTimeoutMs, memberId, clientId, protocolType, List<Protocol>))}</td>
 *     <td>{@link io.streambus.broker.group.JoinResult} (held until the join phase ends)</td></tr>
 * <tr><td>SyncGroup 0x09</td><td>{@code syncGroup(principal, groupId, generation, memberId,
 *     List<MemberAssignment>)}</td><td>{@link io.streambus.broker.group.SyncResult} (followers held until the
 *     leader syncs)</td></tr>
 * <tr><td>Heartbeat 0x0A</td><td>{@code heartbeat(principal, groupId, generation, memberId)}</td>
 *     <td>{@code Integer} code</td></tr>
 * <tr><td>LeaveGroup 0x0B</td><td>{@code leaveGroup(principal, groupId, memberId)}</td><td>{@code Integer} code</td></tr>
 * <tr><td>OffsetCommit 0x0C</td><td>{@code offsetCommit(principal, groupId, generation, memberId,
 *     List<TopicData<CommitPartition>>)}</td><td>{@link io.streambus.broker.group.OffsetCommitResult}
 *     (after fsync)</td></tr>
 * <tr><td>OffsetFetch 0x0D</td><td>{@code offsetFetch(principal, groupId, List<TopicData<Integer>>)}</td>
 *     <td>{@link io.streambus.broker.group.OffsetFetchResult}</td></tr>
 * <tr><td>DeleteGroups 0x13</td><td>{@code deleteGroups(principal, List<String>)}</td>
 *     <td>{@link io.streambus.broker.group.DeleteGroupsResult} (after fsync)</td></tr>
 * <tr><td>ListGroups 0x14</td><td>{@code listGroups(principal, prefix, List<String> states)}</td>
 *     <td>{@link io.streambus.broker.group.ListGroupsResult}; the server answers 12 if the encoded reply would
 *     not fit in a frame</td></tr>
 * <tr><td>EndTxn commit (B.7.5)</td><td>{@code applyTransactionOffsets(groupId, List<TopicData<CommitPartition>>)}</td>
 *     <td>{@code Void} once durable</td></tr>
 * </table>
 *
 * <p><b>Threading.</b> All methods are thread-safe and non-blocking; they may be called from Netty event loops.
 * Futures complete on the calling thread (immediate answers), on the timer's thread (timeouts), on another
 * request's thread (held requests released by it) or on the offset store's writer thread (durable writes) — never
 * while a group lock is held. A server must not block in their callbacks.
 *
 * <p><b>Time.</b> All timeouts go through {@link io.streambus.broker.group.GroupTimer}; tests use a manual one.
 * Session timers restart as B.6.1 says and also when a held JoinGroup/SyncGroup is answered (a held member cannot
 * expire, and Kafka likewise restarts the timer on completing the held request).
 */
package io.streambus.broker.group;
