/**
 * The JMS message implementations (text, bytes, map, stream, object) and the
 * {@link io.streambus.jms.message.DeserializationPolicy} that guards {@code ObjectMessage.getObject()}. Applications
 * use them through the {@code jakarta.jms} interfaces; the provider's internals set received-message state.
 */
package io.streambus.jms.message;
