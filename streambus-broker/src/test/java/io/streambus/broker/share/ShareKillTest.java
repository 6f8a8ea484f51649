package io.streambus.broker.share;

import static io.streambus.broker.share.ShareTestSupport.a;
import static io.streambus.broker.share.ShareTestSupport.ack;
import static io.streambus.broker.share.ShareTestSupport.configure;
import static io.streambus.broker.share.ShareTestSupport.counts;
import static io.streambus.broker.share.ShareTestSupport.fetch;
import static io.streambus.broker.share.ShareTestSupport.join;
import static io.streambus.broker.share.ShareTestSupport.offsets;
import static io.streambus.broker.share.ShareTestSupport.produce;
import static io.streambus.protocol.share.AcknowledgeType.ACCEPT;
import static io.streambus.protocol.share.AcknowledgeType.REJECT;
import static io.streambus.protocol.share.AcknowledgeType.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.ShareFetchCopy;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Fetched;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * B.13.11 across SIGKILL: a broker in a child JVM ({@code BrokerMain --share-groups}) is killed after
 * acknowledgements and acquisitions were answered; the restarted broker never delivers an acknowledged or rejected
 * record again, delivers an acquired one again with its count + 1, and dead-letters one at its limit.
 */
@ExtendWith(LeakCheck.class)
class ShareKillTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"os", "every-write"})
    void acknowledgedAndAcquiredStateSurvivesKillMinus9(String flush) throws Exception {
        Path data = dir.resolve("data");
        String[] values = new String[20];
        for (int i = 0; i < values.length; i++) {
            values[i] = "v" + i;
        }
        try (ChildBroker child = ChildBroker.start(data, "--share-groups", "--flush", flush);
             TestClient c = TestClient.connect(child.port())) {
            configure(c, "q", ShareGroupConfigureRequest.CHANGE_DEAD_LETTER_TOPIC
                    | ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS, 2, 0, "dlq", 0, 0);
            produce(c, "t", values);
            String m = join(c, "q", "t");
            assertThat(offsets(fetch(c, "q", m, "", "t", 0, 10))).containsExactlyElementsOf(range(0, 10));
            ack(c, "q", m, "t", 0, a(0, 4, ACCEPT), a(5, 5, REJECT), a(6, 6, RELEASE));
            ShareFetchCopy again = fetch(c, "q", m, "", "t", 0, 1);
            assertThat(offsets(again)).containsExactly(6L);
            assertThat(counts(again)).containsExactly(2);
            assertThat(child.kill()).isEqualTo(137);
        }
        try (ChildBroker child = ChildBroker.start(data, "--share-groups", "--flush", flush);
             TestClient c = TestClient.connect(child.port())) {
            String m = join(c, "q", "t");
            ShareFetchCopy f = fetch(c, "q", m, "", "t", 0, 100);
            assertThat(offsets(f)).containsExactlyElementsOf(range(7, 20));
            List<Integer> expected = new ArrayList<>(List.of(2, 2, 2));
            for (int i = 10; i < 20; i++) {
                expected.add(1);
            }
            assertThat(counts(f)).containsExactlyElementsOf(expected);
            // 5 (REJECT) and 6 (its limit, ended by the restart) are in the dead-letter topic, at least once each.
            Set<String> dead = await().atMost(Duration.ofSeconds(20)).until(() -> deadOffsets(c),
                    s -> s.containsAll(Set.of("5", "6")));
            assertThat(dead).containsOnly("5", "6");
            ack(c, "q", m, "t", 0, a(7, 19, ACCEPT));
            assertThat(child.kill()).isEqualTo(137);
        }
        try (ChildBroker child = ChildBroker.start(data, "--share-groups", "--flush", flush);
             TestClient c = TestClient.connect(child.port())) {
            String m = join(c, "q", "t");
            assertThat(fetch(c, "q", m, "", "t", 0, 100).records()).isEmpty();
            assertThat(configure(c, "q", 0, 0, 0, "", 0, 0).sharePartitions().asMap().get("t").get(0).startOffset())
                    .isEqualTo(20);
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    private static Set<String> deadOffsets(TestClient c) throws java.io.IOException {
        Set<String> out = new HashSet<>();
        for (Fetched f : ShareGroupsTest.fetchAll(c, "dlq")) {
            out.add(ShareGroupsTest.header(f, "sb_dlq_offset"));
        }
        return out;
    }
}
