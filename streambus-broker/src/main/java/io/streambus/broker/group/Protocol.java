package io.streambus.broker.group;

import java.util.Arrays;
import java.util.Objects;

/**
 * One assignment strategy offered in a JoinGroup, with its metadata (for {@code consumer} groups a
 * {@link io.streambus.protocol.group.Subscription}; opaque to the coordinator).
 *
 * @param name     strategy name, non-empty
 * @param metadata protocol metadata; the array is not copied, callers must not modify it afterwards
 */
public record Protocol(String name, byte[] metadata) {

    public Protocol {
        Objects.requireNonNull(name, "name");
        metadata = metadata == null ? new byte[0] : metadata;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Protocol p && name.equals(p.name) && Arrays.equals(metadata, p.metadata);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(metadata);
    }

    @Override
    public String toString() {
        return "Protocol[" + name + ", " + metadata.length + " bytes]";
    }
}
