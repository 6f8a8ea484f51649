/**
 * Test utilities shipped in the broker's test-jar for other modules' tests:
 * {@link io.streambus.broker.testing.TestClient} (a blocking client on the codec: requests, pipelining, raw bytes,
 * close detection), {@link io.streambus.broker.testing.ChildBroker} (the CLI broker in a child JVM, for SIGKILL and
 * SIGTERM tests) and {@link io.streambus.broker.testing.LeakCheck} (a JUnit extension failing a class on a reported
 * ByteBuf leak). Start brokers with {@link io.streambus.broker.EmbeddedBroker}.
 */
package io.streambus.broker.testing;
