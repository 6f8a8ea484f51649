package io.streambus.client;

/**
 * The broker does not serve a capability this operation needs, for example consumer groups on a core-only
 * (reference) broker (spec B.4). Thrown at once, never after a timeout.
 */
public class UnsupportedFeatureException extends StreamBusException {
    private static final long serialVersionUID = 1L;
    private final String capability;

    public UnsupportedFeatureException(String capability, String broker) {
        super(capability + " is not supported by the broker at " + broker
                + " (it does not advertise it in ApiVersions; a reference StreamBus broker serves the core protocol only)");
        this.capability = capability;
    }

    /** Name of the missing capability, e.g. {@code consumer-groups}, {@code sasl}, {@code compression}. */
    public String capability() {
        return capability;
    }
}
