package io.streambus.client;

/**
 * The test-only route to what these integration tests observe inside a {@link StreamBusClient}: it lives in the
 * client's package (in the test sources), so it can use the package-private {@code internalContext()} that
 * applications cannot. Stateless and thread-safe.
 */
public final class ClientInternals {
    private ClientInternals() {
    }

    /** {@code host:port} of the broker the client sends its requests to now (spec A.8.1 failover). */
    public static String activeBroker(StreamBusClient client) {
        return client.internalContext().network().activeAddress();
    }

    /**
     * Simulates a client process that dies: every connection closes and nothing more is sent, while its producers
     * and consumers are not closed (a share consumer neither acknowledges nor leaves).
     */
    public static void crash(StreamBusClient client) {
        client.internalContext().network().close();
    }
}
