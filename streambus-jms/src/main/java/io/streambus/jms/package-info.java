/**
 * StreamBus JMS: a Jakarta Messaging 3.1 provider over the StreamBus client. Applications use this package only:
 * {@link io.streambus.jms.StreamBusConnectionFactory} (URL, JavaBean setters or JNDI), its XA variant
 * {@link io.streambus.jms.StreamBusXAConnectionFactory}, and the destination types
 * ({@link io.streambus.jms.StreamBusQueue}, {@link io.streambus.jms.StreamBusTopic} and the temporary ones); every
 * other object is reached through the {@code jakarta.jms} interfaces. How each JMS concept maps onto topics,
 * partitions and consumer groups is described in the module's {@code MAPPING.md}.
 */
package io.streambus.jms;
