/**
 * The fetch engine: {@link io.streambus.client.internal.consumer.PartitionConsumerImpl}, which resolves positions
 * with GetOffset, prefetches each assigned partition in the background within {@code fetch.queue.max.bytes}, paces
 * empty fetches, handles offset gaps and out-of-range positions (spec A.6.2, A.6.3), and deserializes in
 * {@code poll}. Internal: {@link io.streambus.client.StreamBusClient} hands it out as a
 * {@link io.streambus.client.consumer.Consumer}, and the group consumer drives one per member through
 * {@link io.streambus.client.internal.ClientContext#newPartitionConsumer}. Unit tests drive it over the transport's
 * test {@code FakeNetwork}.
 */
package io.streambus.client.internal.consumer;
