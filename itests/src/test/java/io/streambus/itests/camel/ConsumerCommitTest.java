package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusConstants;
import io.streambus.camel.consumer.StreamBusManualCommit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.processor.state.FileStateRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Automatic and manual commits, and restarts that resume right after the last processed record. */
class ConsumerCommitTest extends CamelTestBase {

    private RouteBuilder collecting(String from, List<String> into) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(from).routeId("collect").process(e -> into.add(e.getIn().getBody(String.class)));
            }
        };
    }

    @Test
    void gracefulStopCommitsProcessedRecordsAndRestartResumesAfterThem() throws Exception {
        String topic = BrokerSupport.uniqueTopic("resume");
        sb.createTopic(topic, 2);
        sb.produce(topic, 0, values("a", 0, 10));
        sb.produce(topic, 1, values("b", 0, 5));
        // a long interval: only the commit at shutdown can store the offsets
        String from = uri(topic, "groupId=resume-g&partitions=0,1&autoOffsetReset=earliest&autoCommitIntervalMs=600000");
        List<String> first = new CopyOnWriteArrayList<>();
        CamelContext c1 = start(collecting(from, first));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.size() == 15);
        c1.stop();
        assertThat(sb.committed("resume-g", topic, 0)).isEqualTo(10);
        assertThat(sb.committed("resume-g", topic, 1)).isEqualTo(5);

        sb.produce(topic, 0, values("a", 10, 13));
        List<String> second = new CopyOnWriteArrayList<>();
        start(collecting(from, second));
        await().atMost(Duration.ofSeconds(10)).until(() -> second.size() == 3);
        holdsFor(Duration.ofMillis(300), () -> second.size() == 3);
        assertThat(second).containsExactly("a10", "a11", "a12");
    }

    @Test
    void stopWaitsForTheExchangeInProgressAndCommitsIt() throws Exception {
        String topic = BrokerSupport.uniqueTopic("inflight");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("m", 0, 6));
        String from = uri(topic, "groupId=inflight-g&partitions=0&autoOffsetReset=earliest&autoCommitIntervalMs=600000");
        List<String> done = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        CamelContext c1 = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(from).process(e -> {
                    started.countDown();
                    Thread.sleep(300); // simulates a slow route, so the stop arrives while an exchange is in progress
                    done.add(e.getIn().getBody(String.class));
                });
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        c1.stop();
        int processed = done.size();
        assertThat(processed).isBetween(1, 5);
        assertThat(sb.committed("inflight-g", topic, 0)).isEqualTo(processed);

        List<String> rest = new CopyOnWriteArrayList<>();
        start(collecting(from, rest));
        await().atMost(Duration.ofSeconds(10)).until(() -> processed + rest.size() == 6);
        holdsFor(Duration.ofMillis(300), () -> processed + rest.size() == 6);
        List<String> all = new java.util.ArrayList<>(done);
        all.addAll(rest);
        assertThat(all).as("nothing lost, nothing twice").containsExactlyElementsOf(values("m", 0, 6));
    }

    @Test
    void autoCommitByIntervalCommitsOnlyProcessedRecords() throws Exception {
        String topic = BrokerSupport.uniqueTopic("interval");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("x", 0, 8));
        CountDownLatch release = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=interval-g&partitions=0&autoOffsetReset=earliest&autoCommitIntervalMs=50"))
                        .process(e -> {
                            String v = e.getIn().getBody(String.class);
                            if (v.equals("x5")) {
                                release.await(10, TimeUnit.SECONDS); // hold record 5 in processing
                            } else {
                                Thread.sleep(60); // simulated work > interval: a commit is due after each record
                            }
                            seen.add(v);
                        });
            }
        });
        // while x5 is being processed, 0..4 are done: the interval commits exactly 5, never the polled 8
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.committed("interval-g", topic, 0) == 5);
        holdsFor(Duration.ofMillis(200), () -> sb.committed("interval-g", topic, 0) == 5);
        assertThat(sb.committed("interval-g", topic, 0)).isEqualTo(5);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.committed("interval-g", topic, 0) == 8);
        assertThat(seen).containsExactlyElementsOf(values("x", 0, 8));
    }

    @Test
    void manualCommitFromTheRouteAndFromAnotherThread() throws Exception {
        String topic = BrokerSupport.uniqueTopic("manual");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("r", 0, 10));
        String from = uri(topic, "groupId=manual-g&partitions=0&autoOffsetReset=earliest&allowManualCommit=true");
        List<Boolean> lastFlags = new CopyOnWriteArrayList<>();
        CamelContext c1 = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(from).process(e -> {
                    lastFlags.add(e.getIn().getHeader(StreamBusConstants.LAST_RECORD_BEFORE_COMMIT, Boolean.class));
                    long offset = e.getIn().getHeader(StreamBusConstants.OFFSET, Long.class);
                    if (offset == 3) {
                        commit(e).commitSync(); // on the consumer thread
                    }
                }).filter(header(StreamBusConstants.OFFSET).isEqualTo(6L)).to("seda:later");
                from("seda:later").process(e -> commit(e).commitAsync().get(5, TimeUnit.SECONDS)); // other thread
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.committed("manual-g", topic, 0) == 7);
        await().atMost(Duration.ofSeconds(10)).until(() -> lastFlags.size() == 10);
        assertThat(lastFlags).contains(Boolean.TRUE);
        c1.stop();
        // the consumer commits nothing by itself, also not at shutdown
        assertThat(sb.committed("manual-g", topic, 0)).isEqualTo(7);

        List<String> again = new CopyOnWriteArrayList<>();
        start(collecting(from, again));
        await().atMost(Duration.ofSeconds(10)).until(() -> again.size() == 3);
        assertThat(again).containsExactly("r7", "r8", "r9");
    }

    @Test
    void commitAfterStopFailsClearly() throws Exception {
        String topic = BrokerSupport.uniqueTopic("late");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("l", 0, 1));
        List<StreamBusManualCommit> handles = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=late-g&partitions=0&autoOffsetReset=earliest&allowManualCommit=true"))
                        .process(e -> handles.add(commit(e)));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> handles.size() == 1);
        c.stop();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> handles.get(0).commitSync())
                .hasMessageContaining("no longer assigned");
        assertThat(sb.committed("late-g", topic, 0)).isEqualTo(-1);
    }

    @Test
    void offsetRepositoryKeepsPositionsWithoutAnyGroup(@TempDir Path dir) throws Exception {
        String topic = BrokerSupport.uniqueTopic("repo");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("p", 0, 4));
        FileStateRepository repo = FileStateRepository.fileStateRepository(dir.resolve("offsets.dat").toFile());
        String from = uri(topic, "partitions=0&autoOffsetReset=earliest&offsetRepository=#offsets");
        List<String> first = new CopyOnWriteArrayList<>();
        CamelContext c1 = start(new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getRegistry().bind("offsets", repo);
                from(from).process(e -> first.add(e.getIn().getBody(String.class)));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> first.size() == 4);
        c1.stop();
        FileStateRepository reopened = FileStateRepository.fileStateRepository(dir.resolve("offsets.dat").toFile());
        reopened.start();
        assertThat(reopened.getState(topic + "/0")).isEqualTo("4");
        reopened.stop();

        sb.produce(topic, 0, values("p", 4, 6));
        List<String> second = new CopyOnWriteArrayList<>();
        FileStateRepository repo2 = FileStateRepository.fileStateRepository(dir.resolve("offsets.dat").toFile());
        start(new RouteBuilder() {
            @Override
            public void configure() {
                getContext().getRegistry().bind("offsets", repo2);
                from(from).process(e -> second.add(e.getIn().getBody(String.class)));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> second.size() == 2);
        holdsFor(Duration.ofMillis(200), () -> second.size() == 2);
        assertThat(second).containsExactly("p4", "p5");
    }

    private static StreamBusManualCommit commit(Exchange e) {
        return e.getIn().getHeader(StreamBusConstants.MANUAL_COMMIT, StreamBusManualCommit.class);
    }
}
