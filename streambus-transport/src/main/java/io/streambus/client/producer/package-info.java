/**
 * The producer API: {@link io.streambus.client.producer.Producer} (thread-safe, asynchronous, batching per
 * partition), {@link io.streambus.client.producer.ProducerRecord} and its acknowledgement
 * {@link io.streambus.client.producer.RecordMetadata}, and the plug-ins a producer is configured with
 * ({@link io.streambus.client.producer.Partitioner}, {@link io.streambus.client.producer.ProducerInterceptor}).
 * Public API for applications, Camel and JMS.
 */
package io.streambus.client.producer;
