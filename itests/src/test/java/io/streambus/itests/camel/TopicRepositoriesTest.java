package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.repository.StreamBusIdempotentRepository;
import io.streambus.camel.repository.StreamBusStateRepository;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** Topic-backed repositories: what one instance wrote, a new instance (after a restart) reads back. */
class TopicRepositoriesTest extends CamelTestBase {

    @Test
    void idempotentRepositorySurvivesARestart() throws Exception {
        String store = BrokerSupport.uniqueTopic("seen");
        String in = BrokerSupport.uniqueTopic("idem-in");
        sb.createTopic(in, 1);
        List<String> passed = new CopyOnWriteArrayList<>();
        CamelContext first = start(idempotentRoute(in, store, passed));
        template(first).sendBody("direct:in", "a");
        template(first).sendBody("direct:in", "b");
        template(first).sendBody("direct:in", "a");
        assertThat(passed).containsExactly("a", "b");
        first.stop();

        // a new context with a new repository instance reads the ids back from the topic
        StreamBusIdempotentRepository fresh = new StreamBusIdempotentRepository(store, sb.brokers);
        fresh.start();
        try {
            assertThat(fresh.contains("a")).isTrue();
            assertThat(fresh.contains("b")).isTrue();
            assertThat(fresh.remove("b")).isTrue();
            assertThat(fresh.add("c")).isTrue();
            assertThat(fresh.add("c")).isFalse();
        } finally {
            fresh.stop();
        }
        List<String> again = new CopyOnWriteArrayList<>();
        CamelContext second = start(idempotentRoute(in, store, again));
        for (String v : List.of("a", "b", "c", "d")) {
            template(second).sendBody("direct:in", v);
        }
        assertThat(again).as("a and c seen before; b was removed").containsExactly("b", "d");
    }

    private RouteBuilder idempotentRoute(String in, String store, List<String> passed) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").idempotentConsumer(body(), new StreamBusIdempotentRepository(store, sb.brokers))
                        .process(e -> passed.add(e.getIn().getBody(String.class)));
            }
        };
    }

    @Test
    void stateRepositoryKeepsConsumerPositionsAcrossARestart() throws Exception {
        String topic = BrokerSupport.uniqueTopic("state-in");
        String store = BrokerSupport.uniqueTopic("positions");
        sb.createTopic(topic, 2);
        sb.produce(topic, 0, values("a", 0, 10));
        sb.produce(topic, 1, values("b", 0, 10));
        List<String> got = new CopyOnWriteArrayList<>();
        CamelContext first = start(positionsRoute(topic, store, got));
        await().atMost(Duration.ofSeconds(20)).until(() -> got.size() == 20);
        first.stop(); // commits the positions to the state topic

        StreamBusStateRepository check = new StreamBusStateRepository(store, sb.brokers);
        check.start();
        try {
            assertThat(check.getState(topic + "/0")).isNotNull();
            assertThat(check.getState(topic + "/1")).isNotNull();
        } finally {
            check.stop();
        }
        sb.produce(topic, 0, values("c", 0, 3));
        List<String> after = new CopyOnWriteArrayList<>();
        start(positionsRoute(topic, store, after));
        await().atMost(Duration.ofSeconds(20)).until(() -> after.size() == 3);
        holdsFor(Duration.ofMillis(500), () -> after.size() == 3);
        assertThat(after).containsExactlyElementsOf(values("c", 0, 3));
    }

    private RouteBuilder positionsRoute(String topic, String store, List<String> got) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getRegistry().bind("positions", new StreamBusStateRepository(store, sb.brokers));
                from(uri(topic, "partitions=0,1&offsetRepository=#positions&autoOffsetReset=earliest"
                        + "&pollTimeoutMs=200&autoCommitIntervalMs=200"))
                        .process(e -> got.add(e.getIn().getBody(String.class)));
            }
        };
    }
}
