/**
 * Turning keys and values into bytes and back: {@link io.streambus.client.serialization.Serializer} writes into a
 * pooled buffer the producer copies into its batch without another copy, {@link
 * io.streambus.client.serialization.Deserializer} reads from the fetched block, and
 * {@link io.streambus.client.serialization.Serdes} has the built-in ones (strings, byte arrays, buffers, integers,
 * longs, UUIDs). Public API; implementations must be thread-safe.
 */
package io.streambus.client.serialization;
