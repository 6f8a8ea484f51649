package io.streambus.jms;

import jakarta.jms.JMSException;

/** The connection that created a temporary destination: it alone may consume and delete it. Provider SPI. */
public interface TemporaryDestinationOwner {
    /** Deletes the topic behind the destination; fails while consumers of this connection use it. */
    void deleteTemporaryDestination(StreamBusDestination destination) throws JMSException;
}
