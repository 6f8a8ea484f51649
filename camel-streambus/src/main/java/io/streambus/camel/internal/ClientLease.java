package io.streambus.camel.internal;

import io.streambus.client.StreamBusClient;

/**
 * A producer's or consumer's use of a StreamBus client. Closing the lease gives the client back: a client the
 * component created is closed with its last lease; a client the user supplied is never closed by the component.
 */
public interface ClientLease extends AutoCloseable {

    StreamBusClient client();

    /** Bootstrap brokers of the client, for logs and health details ("shared client" when unknown). */
    String brokers();

    @Override
    void close();
}
