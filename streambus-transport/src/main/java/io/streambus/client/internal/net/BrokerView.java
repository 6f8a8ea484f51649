package io.streambus.client.internal.net;

/**
 * What a {@link BodySupplier} may know of the broker its body is about to be written to, besides its capabilities:
 * its address and a once-per-address latch, for rules such as "warn once per broker that it does not advertise
 * compression" (spec B.11). Implementations are thread-safe.
 */
public interface BrokerView {

    /** {@code host:port} of the broker. */
    String address();

    /** True the first time it is called with {@code key} for this broker address, false afterwards. */
    boolean firstTime(String key);
}
