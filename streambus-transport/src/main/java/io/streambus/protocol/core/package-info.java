/**
 * Request and response bodies of the core protocol (spec Part A, types 0x01–0x07): Produce, Fetch, GetOffset,
 * CreateTopic, DeleteTopic, ListTopics and HealthCheck, plus the Part B data-path trailers they carry (B.7.7,
 * B.11, B.12). Encoded and decoded by {@link io.streambus.protocol.RequestCodec} and
 * {@link io.streambus.protocol.ResponseCodec}; used by the client and the broker only. Records are immutable;
 * bodies holding a {@link io.streambus.protocol.message.MessageBlock} are reference counted.
 */
package io.streambus.protocol.core;
