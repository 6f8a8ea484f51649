/**
 * The producer API: {@link io.streambus.client.producer.Producer} (thread-safe, asynchronous, batching per
 * partition), {@link io.streambus.client.producer.ProducerRecord} and its acknowledgement
 * {@link io.streambus.client.producer.RecordMetadata}, and the plug-ins a producer is configured with
 * ({@link io.streambus.client.producer.Partitioner}, {@link io.streambus.client.producer.ProducerInterceptor}),
 * the XA branch side for a JMS XAResource ({@link io.streambus.client.producer.XaProducer}), and the typed
 * exceptions of idempotent and transactional produce (spec B.7, B.12), e.g.
 * {@link io.streambus.client.producer.ProducerFencedException} and
 * {@link io.streambus.client.producer.XaBranchException}.
 * Public API for applications, Camel and JMS.
 */
package io.streambus.client.producer;
