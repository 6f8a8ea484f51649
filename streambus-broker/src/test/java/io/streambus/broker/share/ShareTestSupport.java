package io.streambus.broker.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.testing.ShareFetchCopy;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Msg;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.common.Header;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupConfigureResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Raw share-group requests over a {@link TestClient}, for the broker's share-group tests. */
final class ShareTestSupport {
    private ShareTestSupport() {
    }

    static String join(TestClient c, String group, String... topics) throws IOException {
        ShareGroupHeartbeatResponse r = c.send(new ShareGroupHeartbeatRequest(group, "", false, "test",
                List.of(topics))).body(ShareGroupHeartbeatResponse.class);
        assertThat(r.memberId()).isNotEmpty();
        return r.memberId();
    }

    static Response fetchRaw(TestClient c, String group, String member, String filter, int maxWaitMs, String topic,
                             int partition, long maxRecords, Acknowledgement... acks) throws IOException {
        return c.send(new ShareFetchRequest(group, member, maxWaitMs, filter, TopicPartitions.of(topic,
                List.of(new ShareFetchPartition(partition, maxRecords, 1 << 20, List.of(acks))))));
    }

    static ShareFetchCopy fetch(TestClient c, String group, String member, String filter, String topic,
                                int partition, long maxRecords, Acknowledgement... acks) throws IOException {
        return fetchRaw(c, group, member, filter, 0, topic, partition, maxRecords, acks).body(ShareFetchCopy.class);
    }

    static ShareAcknowledgeResponse ack(TestClient c, String group, String member, String topic, int partition,
                                        Acknowledgement... acks) throws IOException {
        return c.send(new ShareAcknowledgeRequest(group, member, TopicPartitions.of(topic,
                List.of(new ShareAcknowledgePartition(partition, List.of(acks)))))).body(ShareAcknowledgeResponse.class);
    }

    static Acknowledgement a(long first, long last, AcknowledgeType type) {
        return new Acknowledgement(first, last, type);
    }

    static ShareGroupConfigureResponse configure(TestClient c, String group, int mask, int attempts, int lockMs,
                                                 String dlq, int reset, int inFlight) throws IOException {
        return c.send(new ShareGroupConfigureRequest(group, mask, attempts, lockMs, dlq, reset, inFlight))
                .body(ShareGroupConfigureResponse.class);
    }

    /** Produces values, each with header {@code color} = the given color (null: no header). */
    static void produce(TestClient c, String topic, int partition, String[] values, String[] colors)
            throws IOException {
        List<Msg> msgs = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            List<Header> headers = colors == null || colors[i] == null ? List.of()
                    : List.of(new Header("color", colors[i].getBytes(StandardCharsets.UTF_8)));
            msgs.add(new Msg(1_000L + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8), headers));
        }
        assertThat(c.send(new ProduceRequest(topic, partition, TestClient.block(msgs))).isError()).isFalse();
    }

    static void produce(TestClient c, String topic, String... values) throws IOException {
        produce(c, topic, 0, values, null);
    }

    static List<Long> offsets(ShareFetchCopy f) {
        List<Long> out = new ArrayList<>();
        f.records().forEach(r -> out.add(r.offset()));
        return out;
    }

    static List<Integer> counts(ShareFetchCopy f) {
        List<Integer> out = new ArrayList<>();
        f.records().forEach(r -> out.add(r.deliveryCount()));
        return out;
    }
}
