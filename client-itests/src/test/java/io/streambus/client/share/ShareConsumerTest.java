package io.streambus.client.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.share.ShareCoordinatorConfig;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.ClientInternals;
import io.streambus.client.StreamBusClient;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.GroupListing;
import io.streambus.client.admin.ShareGroupDescription;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.Header;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Share consumers against the embedded broker with share groups on (spec B.13): competing consumers on one
 * partition, broker-side filters, redelivery after a crashed member's locks end, the dead-letter topic, and the
 * share-group administration. The competing-consumer run uses 20,000 records, 100,000 with
 * {@code -Dstreambus.slow=true} ({@code -Pslow}).
 */
@ExtendWith(LeakCheck.class)
class ShareConsumerTest {
    private static final int COUNT = Boolean.getBoolean("streambus.slow") ? 100_000 : 20_000;

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static StreamBusClient client;

    @BeforeAll
    static void start() throws Exception {
        broker = startBroker(dir);
        client = client(broker.address());
    }

    /** A started embedded broker whose share coordinator checks locks every 300 ms (the share tests' broker). */
    static EmbeddedBroker startBroker(Path dataDir) throws java.io.IOException {
        EmbeddedBroker b = EmbeddedBroker.builder().port(0).dataDir(dataDir)
                .shareGroups(new ShareCoordinatorConfig(Duration.ofSeconds(10), Duration.ofMillis(300),
                        io.streambus.broker.share.ShareGroupSettings.DEFAULTS))
                .build();
        b.start();
        return b;
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    static StreamBusClient client(String bootstrap) {
        return StreamBusClient.builder().bootstrap(bootstrap)
                .property("request.timeout.ms", 10000)
                .property("api.timeout.ms", 15000)
                .property("retry.backoff.ms", 20)
                .property("retry.backoff.max.ms", 200)
                .build();
    }

    private static ShareConsumer<String, String> consumer(StreamBusClient c, String group, Map<String, ?> extra) {
        Map<String, Object> m = new HashMap<>(Map.of("share.fetch.max.wait.ms", 200));
        m.putAll(extra);
        return c.newShareConsumer(group, Serdes.stringDeserializer(), Serdes.stringDeserializer(), m);
    }

    private static void produce(String topic, int count, java.util.function.IntFunction<List<Header>> headers)
            throws Exception {
        try (Producer<String, String> p = client.newProducer(Serdes.stringSerializer(),
                Serdes.stringSerializer())) {
            for (int i = 0; i < count; i++) {
                p.send(new ProducerRecord<>(topic, 0, null, "k" + i, "v" + i, headers.apply(i)));
            }
            p.flush(Duration.ofSeconds(60));
        }
    }

    private static void pollUntil(List<ShareConsumer<String, String>> consumers, Duration max, BooleanSupplier done,
                                  java.util.function.BiConsumer<Integer, ShareRecord<String, String>> sink) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached within " + max).isLessThan(deadline);
            for (int i = 0; i < consumers.size(); i++) {
                for (ShareRecord<String, String> r : consumers.get(i).poll(Duration.ofMillis(5))) {
                    sink.accept(i, r);
                }
            }
        }
    }

    private static Header header(String k, String v) {
        return new Header(k, v.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Header h) {
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void tenConsumersShareOnePartitionAndEveryRecordIsAcceptedExactlyOnce() throws Exception {
        client.admin().createTopic("queue", 1).get();
        client.admin().configureShareGroup("workers", ShareGroupSettings.builder().maxInFlightRecords(10_000)
                .build()).get();
        produce("queue", COUNT, i -> List.of());
        List<ShareConsumer<String, String>> consumers = new ArrayList<>();
        int[] accepted = new int[COUNT];
        int[] deliveries = new int[COUNT];
        int[] perConsumer = new int[10];
        int[] distinct = new int[1];
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ShareConsumer<String, String> c = consumer(client, "workers", Map.of("share.prefetch.max.records", 500,
                    "max.poll.records", 500));
            // Only the broker's answers count: an acceptance it reports as not applied (52) is not one.
            c.setAcknowledgementCommitCallback((tp, offsets, e) -> {
                Set<Long> notApplied = e instanceof InvalidRecordStateException x ? x.offsets() : Set.of();
                if (e != null && notApplied.isEmpty()) {
                    failures.add(tp + " " + offsets + ": " + e);
                }
                for (long o : offsets) {
                    if (!notApplied.contains(o)) {
                        accepted[(int) o]++;
                    }
                }
            });
            c.subscribe(List.of("queue"));
            consumers.add(c);
        }
        long started = System.nanoTime();
        pollUntil(consumers, Duration.ofMinutes(4), () -> distinct[0] == COUNT, (i, r) -> {
            assertThat(r.deliveryCount()).isPositive();
            assertThat(r.value()).isEqualTo("v" + r.offset());
            if (deliveries[(int) r.offset()]++ == 0) {
                distinct[0]++;
            }
            perConsumer[i]++;
        });
        for (ShareConsumer<String, String> c : consumers) {
            c.commitSync(Duration.ofSeconds(15));
        }
        ShareGroupDescription d = client.admin().describeShareGroup("workers").get();
        assertThat(d.memberCount()).isEqualTo(10);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        for (ShareConsumer<String, String> c : consumers) {
            c.close(Duration.ofSeconds(10));
        }
        assertThat(failures).isEmpty();
        for (int o = 0; o < COUNT; o++) {
            assertThat(accepted[o]).as("acceptances of offset " + o + " (delivered " + deliveries[o] + " times)")
                    .isEqualTo(1);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(perConsumer[i]).as("records of consumer " + i + " (" + COUNT + " in " + elapsedMs + " ms)")
                    .isPositive();
        }
        ShareGroupDescription after = client.admin().describeShareGroup("workers").get();
        assertThat(after.state()).isEqualTo("Empty");
        assertThat(after.partitions().get(new TopicPartition("queue", 0)).startOffset())
                .as("every record accepted: the SPSO is past the last one").isEqualTo(COUNT);
        System.out.printf("share consumers: %d records, 10 consumers, %d ms, %d redeliveries%n", COUNT, elapsedMs,
                java.util.Arrays.stream(deliveries).map(n -> n - 1).sum());
    }

    @Test
    void disjointFiltersSplitOnePartitionAndAnUnmatchedRecordWaitsForAMatchingConsumer() throws Exception {
        client.admin().createTopic("colors", 1).get();
        String[] colors = {"red", "blue", "green"};
        produce("colors", 30, i -> List.of(header("color", colors[i % 3])));
        ShareConsumer<String, String> red = consumer(client, "painters", Map.of("share.filter", "color = 'red'"));
        ShareConsumer<String, String> blue = consumer(client, "painters", Map.of("share.filter", "color = 'blue'"));
        red.subscribe(List.of("colors"));
        blue.subscribe(List.of("colors"));
        Map<String, Set<Long>> got = new HashMap<>();
        List<ShareConsumer<String, String>> two = List.of(red, blue);
        pollUntil(two, Duration.ofSeconds(30), () -> got.values().stream().mapToInt(Set::size).sum() == 20,
                (i, r) -> {
                    assertThat(text(r.header("color"))).isEqualTo(i == 0 ? "red" : "blue");
                    assertThat(got.computeIfAbsent(i == 0 ? "red" : "blue", k -> new TreeSet<>()).add(r.offset()))
                            .isTrue();
                });
        // No green record reaches them, however long they poll.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        while (System.nanoTime() < until) {
            for (ShareConsumer<String, String> c : two) {
                assertThat(c.poll(Duration.ofMillis(50))).isEmpty();
            }
        }
        ShareConsumer<String, String> green = consumer(client, "painters", Map.of("share.filter",
                "color = 'green'"));
        green.subscribe(List.of("colors"));
        Set<Long> greens = new TreeSet<>();
        pollUntil(List.of(green), Duration.ofSeconds(30), () -> greens.size() == 10, (i, r) -> {
            assertThat(text(r.header("color"))).isEqualTo("green");
            assertThat(r.deliveryCount()).as("filtered-out records were never counted").isEqualTo(1);
            greens.add(r.offset());
        });
        for (ShareConsumer<String, String> c : List.of(red, blue, green)) {
            c.close(Duration.ofSeconds(10));
        }
        assertThat(got.get("red")).allMatch(o -> o % 3 == 0).hasSize(10);
        assertThat(got.get("blue")).allMatch(o -> o % 3 == 1).hasSize(10);
        assertThat(greens).allMatch(o -> o % 3 == 2);
        ShareGroupDescription d = client.admin().describeShareGroup("painters").get();
        assertThat(d.partitions().get(new TopicPartition("colors", 0)).startOffset()).isEqualTo(30);
    }

    @Test
    void recordsOfACrashedConsumerComeBackAfterTheirLocksEndThenGoToTheDeadLetterTopicAtTheLimit()
            throws Exception {
        client.admin().createTopic("jobs", 1).get();
        ShareGroupDescription cfg = client.admin().configureShareGroup("crashers", ShareGroupSettings.builder()
                .acquisitionLockMs(1000).maxDeliveryAttempts(2).deadLetterTopic("jobs-dlq").build()).get();
        assertThat(cfg.acquisitionLockMs()).isEqualTo(1000);
        assertThat(cfg.deadLetterTopic()).isEqualTo("jobs-dlq");
        produce("jobs", 5, i -> List.of(header("job", "j" + i)));

        StreamBusClient doomed = client(broker.address());
        ShareConsumer<String, String> victim = consumer(doomed, "crashers", Map.of(
                "share.acknowledgement.mode", "explicit", "share.lock.auto.renew", false));
        victim.subscribe(List.of("jobs"));
        Set<Long> held = new TreeSet<>();
        pollUntil(List.of(victim), Duration.ofSeconds(30), () -> held.size() == 5, (i, r) -> {
            assertThat(r.deliveryCount()).isEqualTo(1);
            held.add(r.offset());
        });
        ClientInternals.crash(doomed); // holds all five, never acknowledges, never leaves

        ShareConsumer<String, String> survivor = consumer(client, "crashers", Map.of(
                "share.acknowledgement.mode", "explicit"));
        survivor.subscribe(List.of("jobs"));
        Map<Long, Integer> redelivered = new HashMap<>();
        pollUntil(List.of(survivor), Duration.ofSeconds(30), () -> redelivered.size() == 5, (i, r) -> {
            redelivered.put(r.offset(), r.deliveryCount());
            survivor.acknowledge(r, AcknowledgeType.RELEASE); // the second attempt fails too: the limit is reached
        });
        assertThat(redelivered).containsOnlyKeys(0L, 1L, 2L, 3L, 4L).allSatisfy((o, n) -> assertThat(n).isEqualTo(2));
        // No failure. The releases may already have ridden on a background ShareFetch (the fetcher carries what is
        // acknowledged when it sends), and then their outcome went to the callback and the commit has no entry.
        Optional<Exception> released = survivor.commitSync(Duration.ofSeconds(10)).get(new TopicPartition("jobs", 0));
        assertThat(released == null || released.isEmpty()).as("releases failed: " + released).isTrue();

        try (Consumer<String, String> dlq = client.newConsumer(Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), Map.of("auto.offset.reset", "earliest"))) {
            dlq.assign("jobs-dlq", List.of(0));
            List<ConsumerRecord<String, String>> copies = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (copies.size() < 5) {
                assertThat(System.nanoTime()).as("dead-letter copies").isLessThan(deadline);
                dlq.poll(Duration.ofMillis(100)).forEach(copies::add);
            }
            Set<String> origins = new TreeSet<>();
            for (ConsumerRecord<String, String> c : copies) {
                String offset = text(c.header("sb_dlq_offset"));
                origins.add(offset);
                assertThat(c.value()).isEqualTo("v" + offset);
                assertThat(text(c.header("job"))).isEqualTo("j" + offset);
                assertThat(text(c.header("sb_dlq_group"))).isEqualTo("crashers");
                assertThat(text(c.header("sb_dlq_topic"))).isEqualTo("jobs");
                assertThat(text(c.header("sb_dlq_partition"))).isEqualTo("0");
                assertThat(text(c.header("sb_dlq_delivery_count"))).isEqualTo("2");
                assertThat(text(c.header("sb_dlq_reason"))).isEqualTo("RELEASE");
            }
            assertThat(origins).containsExactlyInAnyOrder("0", "1", "2", "3", "4");
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
        while (System.nanoTime() < until) {
            assertThat(survivor.poll(Duration.ofMillis(100))).as("archived records are never delivered again")
                    .isEmpty();
        }
        survivor.close(Duration.ofSeconds(10));
        victim.close(Duration.ofSeconds(2));
        doomed.close(Duration.ofSeconds(2));
        assertThat(client.admin().describeShareGroup("crashers").get().partitions()
                .get(new TopicPartition("jobs", 0)).startOffset()).isEqualTo(5);
    }

    @Test
    void shareGroupsAreConfiguredDescribedListedAndDeleted() throws Exception {
        ShareGroupDescription d = client.admin().configureShareGroup("admin-q", ShareGroupSettings.builder()
                .maxDeliveryAttempts(7).acquisitionLockMs(5000).deadLetterTopic("admin-dlq")
                .autoOffsetReset("latest").maxInFlightRecords(100).build()).get();
        assertThat(d.state()).isEqualTo("Empty");
        assertThat(d.memberCount()).isZero();
        assertThat(d.maxDeliveryAttempts()).isEqualTo(7);
        assertThat(d.acquisitionLockMs()).isEqualTo(5000);
        assertThat(d.deadLetterTopic()).isEqualTo("admin-dlq");
        assertThat(d.autoOffsetReset()).isEqualTo("latest");
        assertThat(d.maxInFlightRecords()).isEqualTo(100);
        ShareGroupDescription changed = client.admin().configureShareGroup("admin-q", ShareGroupSettings.builder()
                .deadLetterTopic("").build()).get();
        assertThat(changed.deadLetterTopic()).isEmpty();
        assertThat(changed.maxDeliveryAttempts()).as("settings not named keep their value").isEqualTo(7);

        assertThatThrownBy(() -> client.admin().configureShareGroup("admin-q", ShareGroupSettings.builder()
                .maxDeliveryAttempts(0).build()).get()).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(BrokerErrorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GROUP_CONFIG));
        assertThatThrownBy(() -> client.admin().describeShareGroup("no-such-queue").get())
                .cause().isInstanceOfSatisfying(BrokerErrorException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID));

        List<GroupListing> groups = client.admin().listGroups("admin-").get();
        assertThat(groups).extracting(GroupListing::groupId).contains("admin-q");
        assertThat(groups).filteredOn(g -> g.groupId().equals("admin-q")).singleElement()
                .satisfies(g -> assertThat(g.isShareGroup()).isTrue());

        client.admin().deleteGroups(List.of("admin-q")).get();
        assertThat(client.admin().listGroups("admin-").get()).extracting(GroupListing::groupId)
                .doesNotContain("admin-q");
    }

    @Test
    void aConsumerGroupIdCannotBeUsedAsAShareGroup() throws Exception {
        client.admin().createTopic("queue-x", 1).get();
        client.admin().commitOffsets("classic", Map.of(new TopicPartition("queue-x", 0),
                new io.streambus.client.consumer.OffsetAndMetadata(1))).get();
        ShareConsumer<String, String> c = consumer(client, "classic", Map.of());
        c.subscribe(List.of("queue-x"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        assertThatThrownBy(() -> {
            while (System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(50));
            }
        }).isInstanceOfSatisfying(BrokerErrorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.GROUP_TYPE_MISMATCH));
        c.close(Duration.ofSeconds(5));
    }

    @Test
    void aBrokerWithoutShareGroupsRefusesAtOnce() throws Exception {
        // Share groups are served by default: switch them off to get a broker without them.
        try (EmbeddedBroker plain = EmbeddedBroker.builder().port(0).dataDir(dir.resolve("plain")).shareGroups(null)
                .build()) {
            plain.start();
            try (StreamBusClient c = client(plain.address())) {
                assertThatThrownBy(() -> consumer(c, "g", Map.of()))
                        .isInstanceOfSatisfying(UnsupportedFeatureException.class,
                                e -> assertThat(e.capability()).isEqualTo("share-groups"));
                assertThatThrownBy(() -> c.admin().describeShareGroup("g").get()).cause()
                        .isInstanceOf(UnsupportedFeatureException.class);
            }
        }
    }
}
