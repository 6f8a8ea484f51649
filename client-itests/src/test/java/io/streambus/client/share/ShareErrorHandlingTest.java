package io.streambus.client.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.ShareGroupDescription;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.Header;
import io.streambus.common.TopicPartition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * B.13.12's reactions of the real client to errors the real broker produces on purpose: 51 InvalidFilter fails the
 * consumer with the parser's message; 52 InvalidRecordState reports an acknowledgement made after the lock ended
 * and applies nothing; 5/53 for a deleted topic drop the partition and the consumer carries on with the others;
 * and the in-flight limit flag (B.13.9) for records no member's filter takes backs off without failing, until a
 * member that takes them joins. The broker's side of each code is in the broker's {@code ShareGroupsTest}, the
 * client's full table against a fake network in {@code ShareConsumerImplTest}.
 */
@ExtendWith(LeakCheck.class)
class ShareErrorHandlingTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static StreamBusClient client;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.builder().port(0).dataDir(dir).build();
        broker.start();
        client = ShareBrokerKillTest.client(broker.address());
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    private static ShareConsumer<String, String> consumer(String group, Map<String, ?> extra) {
        Map<String, Object> m = new HashMap<>(Map.of("share.fetch.max.wait.ms", 200));
        m.putAll(extra);
        return client.newShareConsumer(group, Serdes.stringDeserializer(), Serdes.stringDeserializer(), m);
    }

    private static void produce(String topic, int from, int to, String color) {
        try (Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer())) {
            for (int i = from; i < to; i++) {
                p.send(new ProducerRecord<>(topic, 0, null, "k" + i, "v" + i,
                        List.of(new Header("color", color.getBytes(StandardCharsets.UTF_8)))));
            }
            p.flush(Duration.ofSeconds(30));
        }
    }

    private static void configure(String group, ShareGroupSettings.Builder settings) throws Exception {
        client.admin().configureShareGroup(group, settings.autoOffsetReset("earliest").build())
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void anInvalidFilterFailsTheConsumerWithTheParsersMessage() throws Exception {
        client.admin().createTopic("filtered", 1).get(10, TimeUnit.SECONDS);
        produce("filtered", 0, 1, "red");
        ShareConsumer<String, String> c = consumer("bad-filter", Map.of("share.filter", "color = = 'red'"));
        try {
            c.subscribe(List.of("filtered"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            assertThatThrownBy(() -> {
                while (System.nanoTime() < deadline) {
                    c.poll(Duration.ofMillis(100));
                }
            }).isInstanceOf(InvalidFilterException.class).hasMessageContaining("color");
            assertThatThrownBy(() -> c.poll(Duration.ofMillis(10))).as("the consumer stays failed")
                    .isInstanceOf(InvalidFilterException.class);
        } finally {
            c.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void anAcknowledgementAfterTheLockEndedIsReportedAndNotApplied() throws Exception {
        client.admin().createTopic("late", 1).get(10, TimeUnit.SECONDS);
        configure("late-ackers", ShareGroupSettings.builder().acquisitionLockMs(1000));
        produce("late", 0, 3, "red");
        // Its own fetcher must not win the records back when their locks end: it does not wait at the broker and
        // fetches again only after 2 s, while the other member's held fetch is examined every few milliseconds.
        ShareConsumer<String, String> slow = consumer("late-ackers", Map.of("share.acknowledgement.mode", "explicit",
                "share.lock.auto.renew", false, "share.fetch.max.wait.ms", 0, "fetch.backoff.ms", 2000));
        ShareConsumer<String, String> other = consumer("late-ackers", Map.of("share.acknowledgement.mode",
                "explicit"));
        try {
            slow.subscribe(List.of("late"));
            List<ShareRecord<String, String>> held = new ArrayList<>();
            await("the slow member's records").atMost(Duration.ofSeconds(20))
                    .until(() -> held.addAll(slow.poll(Duration.ofMillis(100))) && held.size() == 3);
            other.subscribe(List.of("late"));
            List<ShareRecord<String, String>> taken = new ArrayList<>();
            await("the records reach the other member once the locks end").atMost(Duration.ofSeconds(20))
                    .until(() -> taken.addAll(other.poll(Duration.ofMillis(100))) && taken.size() == 3);
            assertThat(taken).allSatisfy(r -> assertThat(r.deliveryCount()).isEqualTo(2));
            TopicPartition tp = new TopicPartition("late", 0);
            // Acquired by the other member now: the slow member's acceptance is not applied (52).
            held.forEach(slow::acknowledge);
            Map<TopicPartition, Optional<Exception>> result = slow.commitSync(Duration.ofSeconds(10));
            assertThat(result.get(tp)).get().isInstanceOfSatisfying(InvalidRecordStateException.class,
                    e -> assertThat(e.offsets()).containsExactlyInAnyOrder(0L, 1L, 2L));
            assertThat(spso("late-ackers", tp)).as("nothing accepted by the late acknowledgement").isZero();
            taken.forEach(other::acknowledge);
            assertThat(other.commitSync(Duration.ofSeconds(10))).containsEntry(tp, Optional.empty());
            assertThat(slow.poll(Duration.ofMillis(300))).as("nothing left, and no error after a 52").isEmpty();
            assertThat(spso("late-ackers", tp)).isEqualTo(3);
        } finally {
            slow.close(Duration.ofSeconds(5));
            other.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void aDeletedTopicIsDroppedAndTheConsumerCarriesOnWithTheOthers() throws Exception {
        client.admin().createTopic("doomed", 1).get(10, TimeUnit.SECONDS);
        client.admin().createTopic("kept", 1).get(10, TimeUnit.SECONDS);
        produce("doomed", 0, 5, "red");
        produce("kept", 0, 5, "red");
        ShareConsumer<String, String> c = consumer("survivors", Map.of());
        try {
            c.subscribe(List.of("doomed", "kept"));
            Map<String, Set<Long>> got = new TreeMap<>();
            await("records of both topics").atMost(Duration.ofSeconds(20)).until(() -> {
                c.poll(Duration.ofMillis(100)).forEach(r -> got.computeIfAbsent(r.topic(), k -> new TreeSet<>())
                        .add(r.offset()));
                return got.getOrDefault("doomed", Set.of()).size() == 5 && got.getOrDefault("kept", Set.of())
                        .size() == 5;
            });
            client.admin().deleteTopic("doomed").get(10, TimeUnit.SECONDS);
            produce("kept", 5, 10, "red");
            await("the rest of the kept topic, without an error").atMost(Duration.ofSeconds(30)).until(() -> {
                c.poll(Duration.ofMillis(100)).forEach(r -> got.get(r.topic()).add(r.offset()));
                return got.get("kept").size() == 10;
            });
            assertThat(got.get("doomed")).hasSize(5);
            assertThat(c.commitSync(Duration.ofSeconds(10)).get(new TopicPartition("kept", 0)))
                    .isEqualTo(Optional.empty());
            assertThat(spso("survivors", new TopicPartition("kept", 0))).isEqualTo(10);
        } finally {
            c.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void aWindowFullOfRecordsNoFilterTakesBacksOffUntilAMemberTakesThem() throws Exception {
        client.admin().createTopic("palette", 1).get(10, TimeUnit.SECONDS);
        configure("painters-5", ShareGroupSettings.builder().maxInFlightRecords(5));
        produce("palette", 0, 5, "blue");
        produce("palette", 5, 10, "red");
        TopicPartition tp = new TopicPartition("palette", 0);
        ShareConsumer<String, String> red = consumer("painters-5", Map.of("share.filter", "color = 'red'"));
        ShareConsumer<String, String> blue = consumer("painters-5", Map.of("share.filter", "color = 'blue'"));
        try {
            red.subscribe(List.of("palette"));
            await("the window is full of records the red member does not take").atMost(Duration.ofSeconds(20))
                    .until(() -> red.poll(Duration.ofMillis(100)).isEmpty() && limitReached("painters-5", tp));
            // It neither fails nor gets anything while the window is blocked.
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> red.poll(Duration.ofMillis(100)).isEmpty());
            blue.subscribe(List.of("palette"));
            Set<Long> blues = new TreeSet<>();
            Set<Long> reds = new TreeSet<>();
            await("the blue member unblocks the window, then the red one gets its records")
                    .atMost(Duration.ofSeconds(30)).until(() -> {
                        blue.poll(Duration.ofMillis(50)).forEach(r -> blues.add(r.offset()));
                        red.poll(Duration.ofMillis(50)).forEach(r -> reds.add(r.offset()));
                        return blues.size() == 5 && reds.size() == 5;
                    });
            assertThat(blues).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(reds).containsExactly(5L, 6L, 7L, 8L, 9L);
            blue.commitSync(Duration.ofSeconds(10));
            red.commitSync(Duration.ofSeconds(10));
            await("every record accepted").atMost(Duration.ofSeconds(10)).until(() -> spso("painters-5", tp) == 10);
            assertThat(limitReached("painters-5", tp)).isFalse();
        } finally {
            red.close(Duration.ofSeconds(5));
            blue.close(Duration.ofSeconds(5));
        }
    }

    private static ShareGroupDescription.SharePartitionInfo partition(String group, TopicPartition tp)
            throws Exception {
        return client.admin().describeShareGroup(group).get(10, TimeUnit.SECONDS).partitions().get(tp);
    }

    private static long spso(String group, TopicPartition tp) throws Exception {
        ShareGroupDescription.SharePartitionInfo p = partition(group, tp);
        return p == null ? -1 : p.startOffset();
    }

    private static boolean limitReached(String group, TopicPartition tp) throws Exception {
        ShareGroupDescription.SharePartitionInfo p = partition(group, tp);
        return p != null && p.inFlightLimitReached();
    }
}
