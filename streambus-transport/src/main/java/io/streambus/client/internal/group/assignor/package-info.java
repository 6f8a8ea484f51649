/**
 * The assignment strategies of spec B.6.3 ({@code range}, {@code roundrobin}, {@code sticky}), run by the group
 * leader between its JoinGroup response and its SyncGroup.
 *
 * <p>Usage by the group consumer: decode every member's metadata with
 * {@link io.streambus.protocol.group.Subscription#fromBytes} (a member whose metadata cannot be parsed is treated as
 * subscribed to nothing: pass {@link io.streambus.client.internal.group.assignor.PartitionAssignor#EMPTY_SUBSCRIPTION}),
 * ask ListTopics for the partition count of every subscribed topic (topics that do not exist are simply left out of
 * the map, or given 0), call {@link io.streambus.client.internal.group.assignor.PartitionAssignor#assign}, and encode
 * each member's list as an {@link io.streambus.protocol.group.Assignment}. The definitions are exact, so every
 * leader computes the same output for the same input; all implementations are stateless and thread-safe.
 */
package io.streambus.client.internal.group.assignor;
