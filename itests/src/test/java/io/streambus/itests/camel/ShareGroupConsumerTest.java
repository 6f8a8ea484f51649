package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusConstants;
import io.streambus.client.consumer.ConsumerRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** shareGroup routes: competing members on one partition, redelivery with a delivery count, dead letters. */
class ShareGroupConsumerTest extends CamelTestBase {

    /** Small prefetch and polls, so one member cannot lock every record for itself. */
    private static final String SMALL = "&maxPollRecords=2&pollTimeoutMs=200&pollErrorBackoffMs=100"
            + "&additionalProperties.share.prefetch.max.records=2&additionalProperties.share.fetch.max.wait.ms=100";

    @Test
    void fourMembersOfTwoRouteInstancesShareOnePartition() throws Exception {
        String topic = BrokerSupport.uniqueTopic("share-compete");
        sb.createTopic(topic, 1);
        String from = uri(topic, "shareGroup=compete&consumersCount=2" + SMALL);
        Map<String, AtomicInteger> perValue = new ConcurrentHashMap<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Set<String> instances = ConcurrentHashMap.newKeySet();
        // Each of the 4 member threads holds its first record until all 4 hold one: proof they work at once.
        CountDownLatch allBusy = new CountDownLatch(4);
        for (String instance : List.of("one", "two")) {
            start(new RouteBuilder() {
                @Override
                public void configure() {
                    from(from).routeId(instance).process(e -> {
                        if (threads.add(Thread.currentThread().getName())) {
                            allBusy.countDown();
                            allBusy.await(20, TimeUnit.SECONDS);
                        }
                        instances.add(instance);
                        perValue.computeIfAbsent(e.getIn().getBody(String.class), k -> new AtomicInteger())
                                .incrementAndGet();
                    });
                }
            });
        }
        sb.produce(topic, 0, values("w", 0, 200));
        await().atMost(Duration.ofSeconds(30)).until(() -> perValue.size() == 200);
        assertThat(allBusy.getCount()).as("all 4 members got records of the single partition").isZero();
        assertThat(threads).hasSize(4);
        assertThat(instances).containsExactlyInAnyOrder("one", "two");
        holdsFor(Duration.ofMillis(500), () -> perValue.values().stream().mapToInt(AtomicInteger::get).sum() == 200);
        assertThat(perValue.values()).as("every record accepted once").allMatch(n -> n.get() == 1);
    }

    @Test
    void aFailedExchangeIsRedeliveredWithItsDeliveryCount() throws Exception {
        String topic = BrokerSupport.uniqueTopic("share-redeliver");
        sb.createTopic(topic, 1);
        Map<String, List<Integer>> counts = new ConcurrentHashMap<>();
        Set<String> done = ConcurrentHashMap.newKeySet();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "shareGroup=redeliver" + SMALL)).process(e -> {
                    String v = e.getIn().getBody(String.class);
                    int n = e.getIn().getHeader(StreamBusConstants.DELIVERY_COUNT, Integer.class);
                    counts.computeIfAbsent(v, k -> new CopyOnWriteArrayList<>()).add(n);
                    if (v.equals("r3") && n < 3) {
                        throw new IllegalStateException("not yet: " + v);
                    }
                    done.add(v);
                });
            }
        });
        sb.produce(topic, 0, values("r", 0, 6));
        await().atMost(Duration.ofSeconds(30)).until(() -> done.size() == 6);
        assertThat(counts.get("r3")).containsExactly(1, 2, 3);
        assertThat(counts.get("r0")).containsExactly(1);
    }

    @Test
    void poisonRecordsEndInTheDeadLetterTopic() throws Exception {
        String topic = BrokerSupport.uniqueTopic("share-poison");
        String dlt = topic + "-dlt";
        sb.createTopic(topic, 1);
        sb.createTopic(dlt, 1);
        Set<String> ok = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                // a handled exception marked REJECT is archived at once, whatever the delivery count
                onException(IllegalArgumentException.class).handled(true)
                        .setHeader(StreamBusConstants.ACKNOWLEDGE, constant("REJECT"));
                from(uri(topic, "shareGroup=poison&maxDeliveryAttempts=2&deadLetterTopic=" + dlt + SMALL))
                        .process(e -> {
                            String v = e.getIn().getBody(String.class);
                            attempts.computeIfAbsent(v, k -> new AtomicInteger()).incrementAndGet();
                            if (v.equals("p2")) {
                                throw new IllegalStateException("always fails: " + v); // released, then archived
                            }
                            if (v.equals("p4")) {
                                throw new IllegalArgumentException("cannot be parsed: " + v); // rejected
                            }
                            ok.add(v);
                        });
            }
        });
        sb.produce(topic, 0, values("p", 0, 6));
        await().atMost(Duration.ofSeconds(30)).until(() -> ok.size() == 4);
        List<ConsumerRecord<String, String>> dead = sb.readAll(dlt, 1, 2);
        assertThat(dead).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("p2", "p4");
        assertThat(attempts.get("p2").get()).as("delivered maxDeliveryAttempts times").isEqualTo(2);
        assertThat(attempts.get("p4").get()).as("rejected on its first delivery").isEqualTo(1);
    }

    @Test
    void theFilterSelectsRecordsByHeader() throws Exception {
        String topic = BrokerSupport.uniqueTopic("share-filter");
        sb.createTopic(topic, 1);
        Set<String> got = ConcurrentHashMap.newKeySet();
        var c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "shareGroup=filtered&filter=region = 'EU'" + SMALL))
                        .process(e -> got.add(e.getIn().getBody(String.class)));
            }
        });
        var template = template(c);
        for (int i = 0; i < 6; i++) {
            template.sendBodyAndHeader(uri(topic, ""), "f" + i, "region", i % 2 == 0 ? "EU" : "US");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> got.size() == 3);
        holdsFor(Duration.ofMillis(500), () -> got.size() == 3);
        assertThat(got).containsExactlyInAnyOrder("f0", "f2", "f4");
    }

    @Test
    void aLongExchangeKeepsItsRecordByRenewingTheLock() throws Exception {
        String topic = BrokerSupport.uniqueTopic("share-renew");
        sb.createTopic(topic, 1);
        Map<String, List<Integer>> counts = new ConcurrentHashMap<>();
        CountDownLatch never = new CountDownLatch(1);
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "shareGroup=renew&consumersCount=2&acquisitionLockMs=1000" + SMALL)).process(e -> {
                    String v = e.getIn().getBody(String.class);
                    counts.computeIfAbsent(v, k -> new CopyOnWriteArrayList<>())
                            .add(e.getIn().getHeader(StreamBusConstants.DELIVERY_COUNT, Integer.class));
                    if (v.equals("slow")) {
                        never.await(2500, TimeUnit.MILLISECONDS); // the work: 2.5 lock durations
                    }
                });
            }
        });
        sb.produce(topic, 0, List.of("slow", "a", "b"));
        await().atMost(Duration.ofSeconds(30)).until(() -> counts.size() == 3);
        holdsFor(Duration.ofSeconds(2), () -> counts.get("slow").size() == 1);
        assertThat(counts.get("slow")).as("not delivered again while its exchange ran").containsExactly(1);
    }
}
