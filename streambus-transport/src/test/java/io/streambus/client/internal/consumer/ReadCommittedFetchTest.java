package io.streambus.client.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import io.streambus.client.AuthorizationException;
import io.streambus.client.StreamBusException;
import io.streambus.client.WakeupException;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.NoOffsetException;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.client.internal.net.ManualTime;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TrackingAllocator;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.protocol.Frames;
import io.streambus.protocol.message.CompressionCodec;

/**
 * {@code isolation.level} on the fetch engine (spec B.7.7): read_committed sends flag 0x0040, an empty reply below
 * the last stable offset moves the position to it, one at the LSO waits; read_uncommitted sends no flag; a broker
 * without TXN_DATA_PATH fails read_committed at once.
 */
class ReadCommittedFetchTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final TrackingAllocator alloc = new TrackingAllocator();
    private FakeNetwork net;
    private PartitionConsumerImpl<String, String> consumer;

    private void start(BrokerCapabilities caps, Map<String, ?> settings) {
        Map<String, Object> m = new HashMap<>(Map.of("auto.offset.reset", "earliest", "fetch.backoff.ms", 100));
        m.putAll(settings);
        net = new FakeNetwork(FakeNetwork.config(m), new ManualTime(), alloc);
        net.capabilities(caps);
        ClientContext ctx = net.newContext();
        consumer = ctx.newPartitionConsumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(), ctx.config());
        consumer.assign(List.of(TP));
    }

    @AfterEach
    void tearDown() {
        if (consumer != null) {
            consumer.close(Duration.ZERO);
            for (FakeNetwork.Request r : net.pending(ApiKey.FETCH)) {
                r.respond(new FetchResponse(100, block(99), CompressionCodec.NONE,
                        r.body(FetchRequest.class).readCommitted() ? 100 : FetchResponse.NO_LAST_STABLE_OFFSET));
            }
            net.close();
            alloc.assertAllReleased();
        }
    }

    private MessageBlock block(long... offsets) {
        MessageBlockWriter w = new MessageBlockWriter(alloc, 64);
        for (long o : offsets) {
            w.append(o, TimeUnit.MILLISECONDS.toNanos(1_700_000_000_000L + o), "k".getBytes(StandardCharsets.UTF_8),
                    ("v" + o).getBytes(StandardCharsets.UTF_8), List.of());
        }
        return w.finish();
    }

    private void answerGetOffset(long start, long end) {
        FakeNetwork.Request r = net.next(ApiKey.GET_OFFSET);
        GetOffsetRequest q = r.body(GetOffsetRequest.class);
        r.respond(new GetOffsetResponse(q.topic(), q.partition(), start, end, end));
    }

    private FakeNetwork.Request lastFetch() {
        List<FakeNetwork.Request> pending = net.pending(ApiKey.FETCH);
        assertThat(pending).isNotEmpty();
        return pending.get(pending.size() - 1);
    }

    private List<Long> pollOffsets() {
        List<Long> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ZERO)) {
            out.add(r.offset());
        }
        return out;
    }

    @Test
    void readCommittedSendsTheFlagSkipsAbortedRangesAndWaitsAtTheLso() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of("isolation.level", "read_committed"));
        assertThat(pollOffsets()).isEmpty();
        answerGetOffset(0, 10);
        FakeNetwork.Request f0 = lastFetch();
        assertThat(f0.flags() & Frames.FLAG_READ_COMMITTED).isNotZero();
        assertThat(f0.body(FetchRequest.class).readCommitted()).isTrue();
        f0.respond(new FetchResponse(10, block(0, 1), CompressionCodec.NONE, 6));
        FakeNetwork.Request f2 = lastFetch();
        assertThat(f2.body(FetchRequest.class).offset()).isEqualTo(2);
        // 2..5 aborted (or markers): nothing below the LSO 6 is returned
        f2.respond(new FetchResponse(10, block(), CompressionCodec.NONE, 6));
        FakeNetwork.Request f6 = lastFetch();
        assertThat(f6.body(FetchRequest.class).offset()).as("moves on to the LSO").isEqualTo(6);
        f6.respond(new FetchResponse(10, block(), CompressionCodec.NONE, 6));
        assertThat(net.pending(ApiKey.FETCH)).as("an open transaction holds the partition: wait").isEmpty();
        net.advanceMs(1);
        FakeNetwork.Request again = lastFetch();
        assertThat(again.body(FetchRequest.class).offset()).isEqualTo(6);
        again.respond(new FetchResponse(10, block(6), CompressionCodec.NONE, 10));
        assertThat(pollOffsets()).containsExactly(0L, 1L, 6L);
    }

    @Test
    void readUncommittedIsTheDefaultAndSendsNoFlag() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of());
        consumer.poll(Duration.ZERO);
        answerGetOffset(0, 1);
        FakeNetwork.Request f = lastFetch();
        assertThat(f.flags() & Frames.FLAG_READ_COMMITTED).isZero();
        f.respond(new FetchResponse(1, block(0)));
        assertThat(pollOffsets()).containsExactly(0L);
    }

    @Test
    void readCommittedOnABrokerWithoutTheDataPathFails() {
        start(FakeNetwork.FULL_CAPABILITIES, Map.of("isolation.level", "read_committed"));
        consumer.poll(Duration.ZERO);
        answerGetOffset(0, 1);
        assertThat(net.pending(ApiKey.FETCH)).as("never sent").isEmpty();
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("transactions");
    }
}
