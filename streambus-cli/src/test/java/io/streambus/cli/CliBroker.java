package io.streambus.cli;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.StreamBusClient;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded broker (temporary data directory) with a {@link Cli} and a client on it, started before a test class's
 * tests and closed after them; register it as a static {@code @RegisterExtension} field. Not thread-safe.
 */
final class CliBroker implements BeforeAllCallback, AfterAllCallback {
    private final UnaryOperator<EmbeddedBroker.Builder> settings;
    private EmbeddedBroker broker;
    private StreamBusClient client;
    private Cli cli;

    /** A broker built with {@code settings} applied to a temporary broker's builder. */
    CliBroker(UnaryOperator<EmbeddedBroker.Builder> settings) {
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = settings.apply(EmbeddedBroker.builder().temporary()).build();
        broker.start();
        client = StreamBusClient.builder().bootstrap(broker.address()).build();
        cli = new Cli(broker.address());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        broker.close();
    }

    /** The broker's address. */
    String address() {
        return broker.address();
    }

    /** A client on the broker. */
    StreamBusClient client() {
        return client;
    }

    /** The command line on the broker. */
    Cli cli() {
        return cli;
    }
}
