package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusConstants;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** batching=true: one exchange per poll with a List of record exchanges, committed as a whole. */
class BatchingConsumerTest extends CamelTestBase {

    private static final String FAST = "&autoOffsetReset=earliest&sessionTimeoutMs=6000&heartbeatIntervalMs=500"
            + "&rebalanceTimeoutMs=5000&pollTimeoutMs=200&autoCommitIntervalMs=200";

    @SuppressWarnings("unchecked")
    private static List<String> bodies(Exchange batch) {
        return ((List<Exchange>) batch.getIn().getBody(List.class)).stream()
                .map(e -> e.getIn().getBody(String.class)).toList();
    }

    @Test
    void batchesAreListsOfRecordExchangesCommittedAsAWhole() throws Exception {
        String topic = BrokerSupport.uniqueTopic("batch");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("b", 0, 35));
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        List<Long> offsets = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=batch-g&batching=true&maxPollRecords=10" + FAST)).process(e -> {
                    batches.add(bodies(e));
                    assertThat(e.getIn().getHeader(StreamBusConstants.BATCH_SIZE, Integer.class))
                            .isEqualTo(batches.get(batches.size() - 1).size());
                    @SuppressWarnings("unchecked")
                    List<Exchange> items = e.getIn().getBody(List.class);
                    items.forEach(i -> offsets.add(i.getIn().getHeader(StreamBusConstants.OFFSET, Long.class)));
                });
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> offsets.size() == 35);
        assertThat(batches).allMatch(b -> !b.isEmpty() && b.size() <= 10);
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(values("b", 0, 35));
        assertThat(offsets).isSorted();
        c.stop();
        assertThat(sb.committed("batch-g", topic, 0)).isEqualTo(35);
    }

    @Test
    void aFailedBatchWithBreakOnFirstErrorComesAgainWhole() throws Exception {
        String topic = BrokerSupport.uniqueTopic("batchbreak");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("x", 0, 5));
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=batchbreak-g&batching=true&maxPollRecords=5&breakOnFirstError=true" + FAST))
                        .process(e -> {
                            List<String> b = bodies(e);
                            batches.add(b);
                            if (b.contains("x2") && failures.incrementAndGet() == 1) {
                                throw new IllegalStateException("first attempt fails");
                            }
                        });
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> failures.get() >= 1
                && batches.stream().flatMap(List::stream).filter("x4"::equals).count() >= 2);
        List<String> seen = batches.stream().flatMap(List::stream).toList();
        String firstOfFailed = batches.stream().filter(b -> b.contains("x2")).findFirst().orElseThrow().get(0);
        assertThat(seen.stream().filter(firstOfFailed::equals).count())
                .as("the failed batch was read again from its start").isEqualTo(2);
        c.stop();
        assertThat(sb.committed("batchbreak-g", topic, 0)).isEqualTo(5);
    }
}
