package io.streambus.karaf;

import io.streambus.broker.EmbeddedBroker;
import java.io.IOException;

/**
 * The embedded broker of the Karaf test, started once in the Pax Exam driver JVM and closed when that JVM exits.
 * Kept out of {@link KarafFeaturesIT} so that the probe bundle inside Karaf never loads the broker classes.
 * Not thread-safe; called from the driver's configuration method only.
 */
final class DriverBroker {
    private static EmbeddedBroker broker;

    private DriverBroker() {
    }

    /** Starts the broker on a free port (once) and returns its host:port. */
    static synchronized String start() throws IOException {
        if (broker == null) {
            EmbeddedBroker b = EmbeddedBroker.builder().temporary().build();
            int port = b.start();
            broker = b;
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "karaf-it-broker-close"));
            return "127.0.0.1:" + port;
        }
        return broker.address();
    }
}
