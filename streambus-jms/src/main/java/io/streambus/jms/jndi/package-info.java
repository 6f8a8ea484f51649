/**
 * JNDI support: {@link io.streambus.jms.jndi.StreamBusInitialContextFactory} builds a read-only context of
 * connection factories and destinations from properties (the ActiveMQ and Qpid convention), and
 * {@link io.streambus.jms.jndi.StreamBusObjectFactory} rebuilds bound references. For applications and containers
 * that look their JMS objects up by name.
 */
package io.streambus.jms.jndi;
