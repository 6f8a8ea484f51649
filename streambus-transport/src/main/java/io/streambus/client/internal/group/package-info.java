/**
 * The consumer group member of spec B.6 (eager protocol), internal to the client: use it only through
 * {@link io.streambus.client.consumer.GroupConsumer} as returned by
 * {@link io.streambus.client.StreamBusClient#newGroupConsumer}.
 *
 * <p>Parts, split as Kafka splits its consumer coordinator:
 * <ul>
 *   <li>{@link io.streambus.client.internal.group.DefaultGroupConsumer}: the public-facing consumer; poll,
 *       seek, pause, rebalance callbacks and close, all on the application's thread;</li>
 *   <li>{@code GroupMembership}: the coordinator thread (JoinGroup, SyncGroup, Heartbeat, topic list checks,
 *       the assignor when leader, B.6.11 reactions), its state a {@code MemberState}, and the one-slot hand-off
 *       of assignments to the consumer thread;</li>
 *   <li>{@code OffsetCommitter}: OffsetCommit and OffsetFetch, auto-commit;</li>
 *   <li>{@code GroupNetwork}: what these ask of the cluster, over the client's
 *       {@link io.streambus.client.internal.net.RequestSender} (a scripted fake in unit tests) and a dedicated
 *       coordinator connection.</li>
 * </ul>
 * The assignment strategies are in {@link io.streambus.client.internal.group.assignor}.
 */
package io.streambus.client.internal.group;
