package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusConstants;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.engine.PooledExchangeFactory;
import org.apache.camel.spi.ExchangeFactory;
import org.apache.camel.spi.ExchangeFactoryManager;
import org.apache.camel.spi.PooledObjectFactory;
import org.junit.jupiter.api.Test;

/**
 * With Camel's pooled exchange factory (an option users turn on, {@code camel.main.exchangeFactory=pooled}), the
 * consumer gives every exchange back, and a reused exchange carries only the headers of its own record.
 */
class PooledExchangesTest extends CamelTestBase {
    @Test
    void theConsumerReleasesEveryExchangeAndReusedOnesCarryOnlyTheirRecordsHeaders() throws Exception {
        String topic = BrokerSupport.uniqueTopic("pooled");
        sb.createTopic(topic, 1);
        int n = 40;
        PooledExchangeFactory pool = new PooledExchangeFactory();
        pool.setStatisticsEnabled(true); // before the start: the consumers' factories are made with it
        List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
        CamelContext context = start(new RouteBuilder() {
            @Override
            public void configure() {
                from("streambus:" + topic + "?brokers=" + sb.brokers + "&groupId=pooled&autoOffsetReset=earliest")
                        .routeId("pooled")
                        .process(e -> seen.add(new HashMap<>(e.getIn().getHeaders())));
            }
        }, c -> c.getCamelContextExtension().setExchangeFactory(pool));
        ExchangeFactoryManager manager = context.getCamelContextExtension().getExchangeFactoryManager();
        assertThat(manager.getExchangeFactories()).as("the route's consumer pools its exchanges")
                .anyMatch(ExchangeFactory::isPooled);
        ProducerTemplate template = context.createProducerTemplate();
        String uri = "streambus:" + topic + "?brokers=" + sb.brokers;
        for (int i = 0; i < n; i++) {
            // every other record has a header of its own, which must not stay on a reused exchange
            if (i % 2 == 1) {
                template.sendBodyAndHeader(uri, "v" + i, "app", "billing-" + i);
            } else {
                template.sendBody(uri, "v" + i);
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> h = seen.get(i);
            assertThat(h.get(StreamBusConstants.OFFSET)).isEqualTo((long) i);
            assertThat(h.get(StreamBusConstants.TOPIC)).isEqualTo(topic);
            assertThat(h.get(StreamBusConstants.PARTITION)).isEqualTo(0);
            assertThat(h.get(StreamBusConstants.GROUP_ID)).isEqualTo("pooled");
            assertThat(h.get(StreamBusConstants.TIMESTAMP)).isInstanceOf(Long.class)
                    .isEqualTo(h.get(Exchange.MESSAGE_TIMESTAMP));
            if (i % 2 == 1) {
                assertThat(h).hasSize(7).containsEntry("app", "billing-" + i);
            } else {
                assertThat(h).hasSize(6).doesNotContainKey("app");
            }
        }
        // Each exchange taken from the consumer's factory (made or reused) is given back after its record.
        PooledObjectFactory.Statistics stats = manager.getStatistics();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stats.getReleasedCounter())
                .isEqualTo(stats.getCreatedCounter() + stats.getAcquiredCounter()));
        assertThat(stats.getAcquiredCounter()).as("exchanges are reused").isPositive();
    }
}
