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
 *   <li>{@code GroupNetwork}: the narrow view of the network these use ({@code ClientGroupNetwork} over the
 *       client's connections), where tests put a fake.</li>
 * </ul>
 * The assignment strategies are in {@link io.streambus.client.internal.group.assignor}.
 */
package io.streambus.client.internal.group;
