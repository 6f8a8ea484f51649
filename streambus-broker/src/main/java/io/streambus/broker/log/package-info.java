/**
 * Internal: the broker's durable storage (spec A.7): the {@link io.streambus.broker.log.LogManager} over every
 * topic's {@link io.streambus.broker.log.PartitionLog}s, their segments and sparse indexes, crash recovery, flush and
 * retention policies. Segment files are opened on use and kept open by a bounded LRU
 * ({@code SegmentFilePool}, {@link io.streambus.broker.log.LogConfig#maxOpenSegmentFiles()}). Message bytes arrive already validated by the codec
 * ({@link io.streambus.protocol.message.MessageBlock}); what is read back from disk is checked with the same A.5
 * record walk. Used by {@code io.streambus.broker.server} and the root package only; not a public API.
 */
package io.streambus.broker.log;
