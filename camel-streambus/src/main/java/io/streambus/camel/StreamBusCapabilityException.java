package io.streambus.camel;

import org.apache.camel.RuntimeCamelException;

/**
 * An endpoint option needs something the broker (or the client library in use) does not provide, for example a
 * consumer group on a core-only broker. The message says which option and what to use instead.
 */
public class StreamBusCapabilityException extends RuntimeCamelException {
    private static final long serialVersionUID = 1L;

    private final String capability;

    public StreamBusCapabilityException(String capability, String message) {
        super(message);
        this.capability = capability;
    }

    /** The missing capability, as named by {@code io.streambus.client.admin.BrokerCapabilities}. */
    public String getCapability() {
        return capability;
    }
}
