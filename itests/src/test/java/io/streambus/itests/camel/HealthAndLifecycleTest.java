package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusCapabilityException;
import io.streambus.camel.StreamBusComponent;
import io.streambus.camel.StreamBusConsumer;
import io.streambus.camel.StreamBusDevConsole;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.console.DevConsole;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.impl.health.ConsumersHealthCheckRepository;
import org.apache.camel.impl.health.ProducersHealthCheckRepository;
import org.junit.jupiter.api.Test;

/** Health across a broker stop and start, suspend/resume, the dev console, and a core-only broker. */
class HealthAndLifecycleTest extends CamelTestBase {

    /** Calls the registered check whose id contains {@code idPart}, as a health endpoint would. */
    private static Optional<HealthCheck.Result> result(CamelContext c, String idPart) {
        return HealthCheckRegistry.get(c).stream().filter(h -> h.getId().contains(idPart)).findFirst()
                .map(HealthCheck::call);
    }

    private static HealthCheck.State state(CamelContext c, String idPart) {
        return result(c, idPart).map(HealthCheck.Result::getState).orElse(HealthCheck.State.UNKNOWN);
    }

    @Test
    void healthGoesDownWhileTheBrokerIsStoppedAndUpAfterItIsBack() throws Exception {
        BrokerSupport own = new BrokerSupport();
        try {
            String topic = BrokerSupport.uniqueTopic("health");
            own.createTopic(topic, 1);
            String common = "brokers=" + own.brokers + "&reconnectBackoffMaxMs=200&retryBackoffMaxMs=200"
                    + "&additionalProperties.circuit.breaker.open.ms=200";
            List<String> got = new CopyOnWriteArrayList<>();
            CamelContext c = start(new RouteBuilder() {
                @Override
                public void configure() {
                    from("streambus:" + topic + "?" + common + "&partitions=0&autoOffsetReset=earliest"
                            + "&pollTimeoutMs=200&pollErrorBackoffMs=100").routeId("healthy")
                            .process(e -> got.add(e.getIn().getBody(String.class)));
                    from("direct:send").to("streambus:" + topic + "?" + common);
                }
            });
            // what Camel Main sets up with camel.health.consumersEnabled=true / producersEnabled=true
            HealthCheckRegistry registry = HealthCheckRegistry.get(c);
            ConsumersHealthCheckRepository consumers = (ConsumersHealthCheckRepository) registry.resolveById("consumers");
            consumers.setEnabled(true);
            registry.register(consumers);
            HealthCheckRepository producers = HealthCheckHelper.getHealthCheckRepository(c, "producers");
            ((ProducersHealthCheckRepository) producers).setEnabled(true);
            c.createProducerTemplate().sendBody("direct:send", "before");
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(c, "healthy") == HealthCheck.State.UP);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(c, "producer:streambus") == HealthCheck.State.UP);

            own.broker.stop();
            await().atMost(Duration.ofSeconds(15)).until(() -> state(c, "healthy") == HealthCheck.State.DOWN);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> state(c, "producer:streambus") == HealthCheck.State.DOWN);
            assertThat(result(c, "healthy").orElseThrow().getMessage()).isPresent();

            own.broker.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> state(c, "healthy") == HealthCheck.State.UP);
            await().atMost(Duration.ofSeconds(20)).until(() -> state(c, "producer:streambus") == HealthCheck.State.UP);
            c.createProducerTemplate().sendBody("direct:send", "after");
            await().atMost(Duration.ofSeconds(15)).until(() -> got.size() == 2);
            assertThat(got).containsExactly("before", "after");
        } finally {
            own.close();
        }
    }

    @Test
    void suspendPausesDeliveryAndResumeContinuesWithoutLoss() throws Exception {
        String topic = BrokerSupport.uniqueTopic("suspend");
        sb.createTopic(topic, 1);
        List<String> got = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=suspend-g&partitions=0&autoOffsetReset=earliest&pollTimeoutMs=200"))
                        .routeId("s").process(e -> got.add(e.getIn().getBody(String.class)));
            }
        });
        sb.produce(topic, 0, values("v", 0, 3));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        c.getRouteController().suspendRoute("s");
        StreamBusConsumer consumer = (StreamBusConsumer) c.getRoute("s").getConsumer();
        assertThat(consumer.getTasks().get(0).paused()).isTrue();
        sb.produce(topic, 0, values("v", 3, 6));
        holdsFor(Duration.ofMillis(600), () -> got.size() == 3); // suspended: the new records stay unread
        assertThat(got).hasSize(3);
        c.getRouteController().resumeRoute("s");
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 6);
        assertThat(got).containsExactlyElementsOf(values("v", 0, 6));
    }

    @Test
    void consumersCountSpreadsExplicitPartitionsOverThreads() throws Exception {
        String topic = BrokerSupport.uniqueTopic("threads");
        sb.createTopic(topic, 4);
        for (int p = 0; p < 4; p++) {
            sb.produce(topic, p, values("p" + p + "-", 0, 25));
        }
        Map<String, List<String>> byThread = new java.util.concurrent.ConcurrentHashMap<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "partitions=0-3&consumersCount=2&autoOffsetReset=earliest")).routeId("t")
                        .process(e -> byThread.computeIfAbsent(Thread.currentThread().getName(),
                                k -> new CopyOnWriteArrayList<>()).add(e.getIn().getBody(String.class)));
            }
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> byThread.values().stream().mapToInt(List::size).sum() == 100);
        assertThat(byThread).hasSize(2);
        for (List<String> records : byThread.values()) {
            assertThat(records).hasSize(50);
        }
        StreamBusConsumer consumer = (StreamBusConsumer) c.getRoute("t").getConsumer();
        assertThat(consumer.getTasks()).hasSize(2);
    }

    @Test
    void devConsoleShowsConsumerThreadsAndPartitions() throws Exception {
        String topic = BrokerSupport.uniqueTopic("console");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("v", 0, 2));
        List<String> got = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=console-g&partitions=0&autoOffsetReset=earliest")).routeId("console")
                        .process(e -> got.add(e.getIn().getBody(String.class)));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        StreamBusDevConsole console = new StreamBusDevConsole();
        console.setCamelContext(c);
        String text = (String) console.call(DevConsole.MediaType.TEXT, Map.of());
        assertThat(text).contains(topic + "-0").contains("handled=2").contains("RUNNING");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) console.call(DevConsole.MediaType.JSON, Map.of());
        assertThat(json).containsKey("consumers");
        assertThat(c.getComponent("streambus", StreamBusComponent.class).getOpenClientCount()).isEqualTo(1);
    }

    @Test
    void coreOnlyBrokerServesExplicitPartitionsAndRefusesGroupOptionsClearly() throws Exception {
        BrokerSupport core = new BrokerSupport(true);
        try {
            String topic = BrokerSupport.uniqueTopic("core");
            core.createTopic(topic, 1);
            core.produce(topic, 0, values("c", 0, 3));
            String base = "streambus:" + topic + "?brokers=" + core.brokers;
            List<String> got = new CopyOnWriteArrayList<>();
            start(new RouteBuilder() {
                @Override
                public void configure() {
                    getContext().getRegistry().bind("repo",
                            new org.apache.camel.support.processor.state.MemoryStateRepository());
                    from(base + "&partitions=0&autoOffsetReset=earliest&offsetRepository=#repo")
                            .process(e -> got.add(e.getIn().getBody(String.class)));
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
            assertThat(got).containsExactly("c0", "c1", "c2");

            for (String options : List.of("&groupId=g", "&groupId=g&partitions=0")) {
                Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> start(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from(base + options).to("mock:x");
                    }
                }));
                while (thrown != null && !(thrown instanceof StreamBusCapabilityException)) {
                    thrown = thrown.getCause();
                }
                assertThat(thrown).as(options).isInstanceOf(StreamBusCapabilityException.class)
                        .hasMessageContaining("groupId=g").hasMessageContaining("offsetRepository");
            }
        } finally {
            core.close();
        }
    }
}
