package io.streambus.protocol.group;

import io.streambus.protocol.Checks;

/**
 * One assignment strategy offered in JoinGroup (B.6.4).
 *
 * @param name     strategy name, e.g. {@code range}
 * @param metadata opaque metadata (the B.6.2 subscription for protocol type {@code consumer})
 */
public record GroupProtocol(String name, byte[] metadata) {
    public GroupProtocol {
        name = Checks.str(name);
        metadata = Checks.bytes(metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupProtocol p && name.equals(p.name) && java.util.Arrays.equals(metadata, p.metadata);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + java.util.Arrays.hashCode(metadata);
    }

    @Override
    public String toString() {
        return "GroupProtocol[name=" + name + ", metadata=" + metadata.length + "B]";
    }
}
