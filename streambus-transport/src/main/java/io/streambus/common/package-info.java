/**
 * Types every layer shares: {@link io.streambus.common.TopicPartition} and the record
 * {@link io.streambus.common.Header}. The codec ({@code io.streambus.protocol.*}), the client
 * ({@code io.streambus.client.*}), the broker, Camel and JMS all use these, and this package imports none of them,
 * so that a lower layer never depends on a higher one (Kafka's {@code org.apache.kafka.common} is the model).
 * Everything here is immutable and thread-safe.
 */
package io.streambus.common;
