package io.streambus.jms;

import jakarta.jms.JMSException;
import jakarta.jms.TemporaryQueue;

/**
 * A temporary queue: a StreamBus topic created with its connection and deleted with it (or by {@link #delete()}).
 * Only the creating connection may consume it. Thread-safe.
 */
public final class StreamBusTemporaryQueue extends StreamBusQueue implements TemporaryQueue {
    private static final long serialVersionUID = 1L;
    private final transient TemporaryDestinationOwner owner;

    /** Provider use. {@code owner} is null for a destination received in {@code JMSReplyTo}. */
    public StreamBusTemporaryQueue(String name, TemporaryDestinationOwner owner) {
        super(name);
        this.owner = owner;
    }

    /** The creating connection, or null when this object was not created by this JVM's connection. */
    public TemporaryDestinationOwner owner() {
        return owner;
    }

    @Override
    public void delete() throws JMSException {
        TemporaryDestinations.delete(this, owner);
    }

    @Override
    public Kind kind() {
        return Kind.TEMP_QUEUE;
    }
}
