/**
 * Consumer groups on the wire (spec B.6): the bodies of JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
 * OffsetCommit, OffsetFetch, DeleteGroups and ListGroups, and the consumer protocol metadata of spec B.6.2: the {@link io.streambus.protocol.group.Subscription} a member sends
 * as JoinGroup protocol metadata and the {@link io.streambus.protocol.group.Assignment} the leader hands out in
 * SyncGroup. The broker treats both as opaque bytes; only clients (the leader's assignor and every member) parse them.
 *
 * <p>Encoders emit topics in ascending unsigned UTF-8 byte order and partitions ascending (B.2), which makes the
 * output canonical and equal to the spec vectors. Decoders accept any order, a version above 0 and trailing bytes;
 * structural damage (truncation, a count larger than the bytes left, a negative version, a partition id of 2^31 or
 * more, invalid UTF-8) raises {@link io.streambus.protocol.group.ConsumerProtocolException} naming the field and
 * its offset. All types here are immutable and thread-safe.
 */
package io.streambus.protocol.group;
