package io.streambus.itests.camel;

import io.streambus.broker.testing.LeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * One embedded broker per test class, and Camel contexts that each test starts (and may stop and start again, as an
 * application restart); every context still running is stopped after the test.
 */
@ExtendWith(LeakCheck.class)
abstract class CamelTestBase {
    static BrokerSupport sb;
    private final List<CamelContext> contexts = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        sb = new BrokerSupport();
    }

    @AfterAll
    static void stopBroker() {
        sb.close();
    }

    @AfterEach
    void stopContexts() {
        for (CamelContext c : contexts) {
            c.stop();
        }
        contexts.clear();
    }

    /** Starts a new Camel context with these routes. */
    CamelContext start(RoutesBuilder routes) throws Exception {
        return start(routes, c -> { });
    }

    /** Starts a new Camel context with these routes, after {@code configure} has set up what must precede the start. */
    CamelContext start(RoutesBuilder routes, Consumer<CamelContext> configure) throws Exception {
        CamelContext c = new DefaultCamelContext();
        c.getShutdownStrategy().setTimeout(20);
        configure.accept(c);
        c.addRoutes(routes);
        contexts.add(c);
        c.start();
        return c;
    }

    ProducerTemplate template(CamelContext c) {
        return c.createProducerTemplate();
    }

    String uri(String topic, String options) {
        return "streambus:" + topic + "?brokers=" + sb.brokers + (options.isEmpty() ? "" : "&" + options);
    }

    /**
     * Checks that {@code condition} keeps holding for {@code period}, failing as soon as it does not: for "nothing
     * more arrives" checks after the expected records came (a duplicate would show up within the period).
     */
    static void holdsFor(Duration period, Callable<Boolean> condition) {
        await().during(period).atMost(period.plusSeconds(5)).until(condition);
    }

    static List<String> values(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }
}
