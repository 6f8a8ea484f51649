package io.streambus.client.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acquisition-lock renewal against a real broker (B.13.8, {@code share.lock.auto.renew} on by default): a consumer
 * that holds records without acknowledging them keeps them past two lock durations while two other members work
 * through the rest of the partition, and its late acceptance is applied. The lock is 4 s: the client renews at
 * half of it, and the machine the suite runs on may be heavily shared.
 */
@ExtendWith(LeakCheck.class)
class ShareLockRenewalTest {
    private static final int LOCK_MS = 4000;
    private static final int COUNT = 2000;
    private static final String GROUP = "renewers";

    @TempDir
    Path dir;

    @Test
    void heldRecordsAreRenewedPastTwoLockDurationsAndTheirLateAcceptanceIsApplied() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().port(0).dataDir(dir).build()) {
            broker.start();
            try (StreamBusClient client = ShareBrokerKillTest.client(broker.address())) {
                client.admin().createTopic(ShareBrokerKillTest.TOPIC, 1).get(10, TimeUnit.SECONDS);
                // The in-flight limit covers the topic: the held records at the SPSO must not stall the others.
                client.admin().configureShareGroup(GROUP, ShareGroupSettings.builder().autoOffsetReset("earliest")
                        .acquisitionLockMs(LOCK_MS).maxInFlightRecords(COUNT).build()).get(10, TimeUnit.SECONDS);
                ShareBrokerKillTest.produce(client, COUNT);
                ShareConsumer<String, String> holder = client.newShareConsumer(GROUP, Serdes.stringDeserializer(),
                        Serdes.stringDeserializer(), Map.of("share.acknowledgement.mode", "explicit",
                                "share.fetch.max.wait.ms", 200, "share.prefetch.max.records", 10,
                                "max.poll.records", 10));
                ShareLedger ledger = new ShareLedger(COUNT);
                List<ShareRecord<String, String>> held = new ArrayList<>();
                try {
                    holder.subscribe(List.of(ShareBrokerKillTest.TOPIC));
                    await("the holder's first records").atMost(Duration.ofSeconds(30))
                            .until(() -> held.addAll(holder.poll(Duration.ofMillis(100))));
                    held.forEach(r -> ledger.delivered(r.offset(), r.deliveryCount()));
                    try (ShareWorker w1 = worker(client, ledger, 1); ShareWorker w2 = worker(client, ledger, 2)) {
                        await("held records stay with the holder past two locks").atMost(Duration.ofSeconds(60))
                                .during(Duration.ofMillis(2L * LOCK_MS + 500))
                                .until(() -> held.stream().allMatch(r -> ledger.lastCount(r.offset()) == 1));
                        await("the others accept the rest").atMost(Duration.ofSeconds(60))
                                .until(() -> ledger.acceptedTotal() == COUNT - held.size());
                    }
                    assertThat(ledger.violations()).isEmpty();
                    held.forEach(holder::acknowledge);
                    assertThat(holder.commitSync(Duration.ofSeconds(10))).as("the late acceptance is applied")
                            .containsEntry(new TopicPartition(ShareBrokerKillTest.TOPIC, 0), Optional.empty());
                } finally {
                    holder.close(Duration.ofSeconds(10));
                }
                assertThat(client.admin().describeShareGroup(GROUP).get(10, TimeUnit.SECONDS).partitions()
                        .get(new TopicPartition(ShareBrokerKillTest.TOPIC, 0)).startOffset()).isEqualTo(COUNT);
            }
        }
    }

    private static ShareWorker worker(StreamBusClient client, ShareLedger ledger, int i) {
        return new ShareWorker(client, GROUP, ShareBrokerKillTest.TOPIC, ledger, "share-worker-" + i,
                Map.of("share.prefetch.max.records", 200, "max.poll.records", 100));
    }
}
