package io.streambus.jms;

import io.streambus.jms.jndi.StreamBusObjectFactory;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;

/**
 * A JMS destination naming one StreamBus topic. Queues and topics are both StreamBus topics; what differs is how
 * consumers read them (see MAPPING.md). Immutable, thread-safe, serializable and storable in JNDI.
 *
 * <p>Names follow the StreamBus topic rules: 1 to 249 characters of {@code [A-Za-z0-9._-]}, not {@code .} or
 * {@code ..}.
 */
public abstract class StreamBusDestination implements Destination, Serializable, Referenceable {
    private static final long serialVersionUID = 1L;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    /** The kind part of the destination URI, e.g. {@code queue://orders}. */
    public enum Kind {
        QUEUE("queue"), TOPIC("topic"), TEMP_QUEUE("temp-queue"), TEMP_TOPIC("temp-topic");

        private final String scheme;

        Kind(String scheme) {
            this.scheme = scheme;
        }

        public String scheme() {
            return scheme;
        }
    }

    private final String name;

    StreamBusDestination(String name) {
        this.name = Objects.requireNonNull(name, "destination name");
    }

    /** The StreamBus topic this destination reads and writes. */
    public String getName() {
        return name;
    }

    public abstract Kind kind();

    public boolean isQueue() {
        return kind() == Kind.QUEUE || kind() == Kind.TEMP_QUEUE;
    }

    public boolean isTemporary() {
        return kind() == Kind.TEMP_QUEUE || kind() == Kind.TEMP_TOPIC;
    }

    /** {@code queue://name}, {@code topic://name}, {@code temp-queue://name} or {@code temp-topic://name}. */
    public String toURI() {
        return kind().scheme() + "://" + name;
    }

    /**
     * Parses {@link #toURI()} output (as carried in {@code JMSReplyTo}). Temporary destinations parsed this way can be
     * sent to but not consumed or deleted: only the connection that created them can.
     *
     * @throws InvalidDestinationException when the text is not a destination URI or the name is invalid
     */
    public static StreamBusDestination fromURI(String uri) throws InvalidDestinationException {
        int i = uri == null ? -1 : uri.indexOf("://");
        if (i <= 0) {
            throw new InvalidDestinationException("not a destination URI (queue://, topic://, temp-queue://, "
                    + "temp-topic://): " + uri);
        }
        String scheme = uri.substring(0, i);
        String name = uri.substring(i + 3);
        return switch (scheme) {
            case "queue" -> new StreamBusQueue(validName(name));
            case "topic" -> new StreamBusTopic(validName(name));
            case "temp-queue" -> new StreamBusTemporaryQueue(validName(name), null);
            case "temp-topic" -> new StreamBusTemporaryTopic(validName(name), null);
            default -> throw new InvalidDestinationException("unknown destination kind '" + scheme + "' in " + uri);
        };
    }

    /**
     * Checks a topic name.
     *
     * @return the name
     * @throws InvalidDestinationException naming the rule it breaks
     */
    public static String validName(String name) throws InvalidDestinationException {
        if (name == null || !VALID.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new InvalidDestinationException("invalid destination name '" + name + "': a StreamBus topic name "
                    + "is 1 to 249 characters of [A-Za-z0-9._-] and not '.' or '..'");
        }
        return name;
    }

    @Override
    public Reference getReference() {
        Reference ref = new Reference(getClass().getName(), StreamBusObjectFactory.class.getName(), null);
        ref.add(new StringRefAddr("uri", toURI()));
        return ref;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamBusDestination d && d.kind() == kind() && d.name.equals(name);
    }

    @Override
    public int hashCode() {
        return kind().hashCode() * 31 + name.hashCode();
    }

    @Override
    public String toString() {
        return toURI();
    }
}
