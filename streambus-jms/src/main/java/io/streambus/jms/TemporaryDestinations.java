package io.streambus.jms;

import jakarta.jms.JMSException;

/**
 * What {@link StreamBusTemporaryQueue} and {@link StreamBusTemporaryTopic} share. They cannot share a base class (one
 * is a {@link StreamBusQueue}, the other a {@link StreamBusTopic}), so the shared rule lives here. Stateless.
 */
final class TemporaryDestinations {
    private TemporaryDestinations() {
    }

    /**
     * {@code TemporaryQueue.delete()} / {@code TemporaryTopic.delete()}: only the creating connection may delete.
     *
     * @param owner null when the destination was not created by this JVM's connection (e.g. read from JMSReplyTo)
     */
    static void delete(StreamBusDestination destination, TemporaryDestinationOwner owner) throws JMSException {
        if (owner == null) {
            String what = destination.kind() == StreamBusDestination.Kind.TEMP_QUEUE ? "queue" : "topic";
            throw new jakarta.jms.IllegalStateException("temporary " + what + " " + destination.getName()
                    + " can only be deleted through the connection that created it");
        }
        owner.deleteTemporaryDestination(destination);
    }
}
