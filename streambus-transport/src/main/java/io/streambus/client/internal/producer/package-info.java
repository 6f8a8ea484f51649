/**
 * The producer engine: {@link io.streambus.client.internal.producer.ProducerImpl} serializes records straight into
 * per-partition batches (a {@code Batch} moves through an enum state machine from open to released), sends one
 * Produce per partition at a time in send order with retries and {@code delivery.timeout.ms}, and bounds its memory
 * with {@link io.streambus.client.internal.producer.MemoryLimiter}; {@link
 * io.streambus.client.internal.producer.Partitioners} holds the built-in partitioners. Internal:
 * {@link io.streambus.client.StreamBusClient} hands it out as a {@link io.streambus.client.producer.Producer}. Unit
 * tests drive it over the transport's test {@code FakeNetwork}.
 */
package io.streambus.client.internal.producer;
