package io.streambus.client.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.BrokerErrorException;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.admin.Admin;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.admin.GroupListing;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.producer.Producer;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.serialization.Serdes;
import io.streambus.protocol.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class AdminTest {
    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static StreamBusClient client;
    static Admin admin;

    @BeforeAll
    static void start() {
        broker = Brokers.start(dir);
        client = Brokers.client(broker);
        admin = client.admin();
    }

    @AfterAll
    static void stop() {
        client.close();
        broker.close();
    }

    private static int errorCode(Throwable t) {
        Throwable c = t instanceof ExecutionException ? t.getCause() : t;
        return ((BrokerErrorException) c).code();
    }

    @Test
    void topicsLifecycle() throws Exception {
        admin.createTopic("adm-a", 3).get();
        admin.createTopic("adm-a", 3).get(); // same count: succeeds (A.6.4)
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> admin.createTopic("adm-a", 5).get());
        assertThat(errorCode(e)).isEqualTo(ErrorCode.TOPIC_EXISTS);
        assertThat(admin.listTopics().get()).containsEntry("adm-a", 3);
        admin.deleteTopic("adm-a").get();
        assertThat(admin.listTopics().get()).doesNotContainKey("adm-a");
        e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> admin.deleteTopic("adm-a").get());
        assertThat(errorCode(e)).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
    }

    @Test
    void invalidArgumentsFailBeforeSending() {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> admin.createTopic("../x", 1).get());
        assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../x");
        e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> admin.createTopic("ok", 0).get());
        assertThat(e.getCause()).hasMessageContaining("at least 1 partition");
    }

    @Test
    void offsetsAndHealth() throws Exception {
        admin.createTopic("adm-off", 1).get();
        Producer<String, String> p = client.newProducer(Serdes.stringSerializer(), Serdes.stringSerializer());
        for (int i = 0; i < 7; i++) {
            p.send(new ProducerRecord<>("adm-off", 0, null, "v"));
        }
        p.flush(Duration.ofSeconds(5));
        PartitionOffsets o = admin.offsets(new TopicPartition("adm-off", 0)).get();
        assertThat(o.start()).isZero();
        assertThat(o.end()).isEqualTo(7);
        assertThat(o.highWaterMark()).isEqualTo(7);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> admin.offsets(new TopicPartition("adm-missing", 0)).get());
        assertThat(errorCode(e)).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
        assertThat(admin.health().get()).isEqualTo("healthy");
    }

    @Test
    void capabilitiesOfTheEmbeddedBroker() throws Exception {
        BrokerCapabilities caps = admin.capabilities().get();
        assertThat(caps.coreOnly()).isFalse();
        assertThat(caps.serves(0x22)).isTrue();
        assertThat(caps.supportsCompression()).isTrue();
        assertThat(caps.brokerSoftware()).isNotEmpty();
        assertThat(client.capabilities()).isEqualTo(caps);
    }

    /** Group administration and standalone commits, when the broker serves them (B.6.8, B.6.9, B.6.12, B.6.13). */
    @Test
    void standaloneCommitsAndGroupAdmin() throws Exception {
        BrokerCapabilities caps = admin.capabilities().get();
        assertThat(caps.supportsCommittedOffsets() && caps.serves(0x13) && caps.serves(0x14)).as(caps.toString())
                .isTrue();
        admin.createTopic("adm-commit", 2).get();
        TopicPartition p0 = new TopicPartition("adm-commit", 0);
        TopicPartition p1 = new TopicPartition("adm-commit", 1);
        admin.commitOffsets("adm-g", Map.of(p0, new OffsetAndMetadata(5, "meta"), p1, new OffsetAndMetadata(9)))
                .get();
        Map<TopicPartition, OffsetAndMetadata> got = admin.committedOffsets("adm-g", List.of(p0, p1)).get();
        assertThat(got).containsEntry(p0, new OffsetAndMetadata(5, "meta")).containsEntry(p1,
                new OffsetAndMetadata(9));
        assertThat(admin.committedOffsets("adm-g", List.of()).get()).hasSize(2);
        assertThat(admin.committedOffsets("adm-unknown", List.of(p0)).get()).isEmpty();
        assertThat(admin.listGroups("adm-").get()).extracting(GroupListing::groupId).contains("adm-g");
        admin.deleteGroups(List.of("adm-g")).get();
        assertThat(admin.listGroups("adm-").get()).extracting(GroupListing::groupId).doesNotContain("adm-g");
        assertThat(admin.committedOffsets("adm-g", List.of(p0)).get()).isEmpty();

        // per-entry error codes come back typed, with the code (spec B.2)
        Throwable unknownGroup = catchThrowable(
                () -> admin.deleteGroups(List.of("adm-never")).get());
        assertThat(errorCode(unknownGroup)).isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
        assertThat(unknownGroup).hasMessageContaining("adm-never");
        Throwable noTopic = catchThrowable(() -> admin.commitOffsets("adm-g",
                Map.of(new TopicPartition("adm-missing", 0), new OffsetAndMetadata(1))).get());
        assertThat(errorCode(noTopic)).isEqualTo(ErrorCode.TOPIC_NOT_FOUND);
    }
}
