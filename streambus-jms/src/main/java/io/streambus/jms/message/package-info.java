/**
 * The JMS message implementations ({@link io.streambus.jms.message.StreamBusMessage} and its text, bytes, map,
 * stream and object variants), the JMS type conversion rules they share, and the
 * {@link io.streambus.jms.message.DeserializationPolicy} that guards {@code ObjectMessage}. Applications use them
 * through the {@code jakarta.jms} message interfaces; the provider's internal package encodes and decodes them.
 */
package io.streambus.jms.message;
