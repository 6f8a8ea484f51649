package io.streambus.protocol;

import io.streambus.common.Header;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.core.DeleteTopicRequest;
import io.streambus.protocol.core.DeleteTopicResponse;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.HealthCheckResponse;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.core.ProducerSequence;
import io.streambus.protocol.core.TopicInfo;
import io.streambus.protocol.group.DeleteGroupsRequest;
import io.streambus.protocol.group.DeleteGroupsResponse;
import io.streambus.protocol.group.GroupInfo;
import io.streambus.protocol.group.GroupMember;
import io.streambus.protocol.group.GroupProtocol;
import io.streambus.protocol.group.GroupResult;
import io.streambus.protocol.group.HeartbeatRequest;
import io.streambus.protocol.group.HeartbeatResponse;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.protocol.group.JoinGroupResponse;
import io.streambus.protocol.group.LeaveGroupRequest;
import io.streambus.protocol.group.LeaveGroupResponse;
import io.streambus.protocol.group.ListGroupsRequest;
import io.streambus.protocol.group.ListGroupsResponse;
import io.streambus.protocol.group.MemberAssignment;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.group.SyncGroupRequest;
import io.streambus.protocol.group.SyncGroupResponse;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.security.SaslAuthenticateRequest;
import io.streambus.protocol.security.SaslAuthenticateResponse;
import io.streambus.protocol.security.SaslHandshakeRequest;
import io.streambus.protocol.security.SaslHandshakeResponse;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchPartitionData;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareFetchResponse;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupConfigureResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import io.streambus.protocol.share.SharePartitionState;
import io.streambus.protocol.share.ShareRecords;
import io.streambus.protocol.txn.AddOffsetsToTxnRequest;
import io.streambus.protocol.txn.AddOffsetsToTxnResponse;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnResponse;
import io.streambus.protocol.txn.EndTxnRequest;
import io.streambus.protocol.txn.EndTxnResponse;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.EndXaBranchResponse;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.InitXaBranchRequest;
import io.streambus.protocol.txn.InitXaBranchResponse;
import io.streambus.protocol.txn.ListXaBranchesRequest;
import io.streambus.protocol.txn.ListXaBranchesResponse;
import io.streambus.protocol.txn.PrepareTxnRequest;
import io.streambus.protocol.txn.PrepareTxnResponse;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.streambus.protocol.txn.TxnOffsetCommitResponse;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Randomized encode → decode identity for every request and response type (seeded, so failures reproduce), plus
 * encode → decode → encode byte identity.
 */
class RoundTripTest {
    private static final int ITERATIONS = 60;
    private static final String[] ALPHABET = {"a", "Z", "0", ".", "-", "_", "\u00e9", "\u4e2d", "\ud83d\ude00", "=", ","};

    private final TrackingAllocator alloc = new TrackingAllocator();
    private Random random;

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    @ParameterizedTest
    @EnumSource(ApiKey.class)
    void requestsSurviveARoundTrip(ApiKey key) {
        random = new Random(key.code() * 31L);
        for (int i = 0; i < ITERATIONS; i++) {
            RequestBody body = randomRequest(key);
            int flags = random.nextBoolean() ? Frames.FLAG_REQUIRE_ACK : 0;
            long id = random.nextLong();
            ByteBuf frame = RequestCodec.encode(alloc, id, flags, body);
            try {
                assertThat(frame.getInt(0)).isEqualTo(frame.readableBytes() - 4);
                ByteBuf content = frame.slice(4, frame.readableBytes() - 8);
                try (DecodedRequest d = RequestCodec.decode(content, alloc)) {
                    assertThat(d.header()).isEqualTo(new RequestHeader(id, key.code(), 1,
                            flags | body.requiredFlags()));
                    assertThat(VectorCases.comparable(d.body())).isEqualTo(VectorCases.comparable(body));
                    ByteBuf again = RequestCodec.encode(alloc, id, flags, d.body());
                    if (!(body instanceof ProduceRequest p && p.compression() != CompressionCodec.NONE)) {
                        assertThat(ByteBufUtil.equals(again, frame)).isTrue();
                    }
                    again.release();
                }
            } finally {
                frame.release();
                body.release();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ApiKey.class)
    void responsesSurviveARoundTrip(ApiKey key) {
        random = new Random(key.code() * 37L);
        for (int i = 0; i < ITERATIONS; i++) {
            int requestFlags = key == ApiKey.FETCH ? random.nextInt(4) * 0x20 | (random.nextBoolean() ? 2 : 0) : 0;
            requestFlags &= key == ApiKey.FETCH ? (Frames.FLAG_COMPRESSED | Frames.FLAG_READ_COMMITTED) : 0;
            ResponseBody body = randomResponse(key, requestFlags);
            long id = random.nextLong();
            ByteBuf frame = ResponseCodec.encodeSuccess(alloc, id, body, requestFlags);
            try (DecodedResponse d = ResponseCodec.decode(frame.slice(4, frame.readableBytes() - 8), key,
                    requestFlags, alloc)) {
                assertThat(d.header()).isEqualTo(new ResponseHeader(id, 0, 0));
                if (body instanceof FetchResponse f) {
                    FetchResponse got = (FetchResponse) d.body();
                    assertThat(Msg.read(got.messages())).isEqualTo(Msg.read(f.messages()));
                    assertThat(got.highWaterMark()).isEqualTo(f.highWaterMark());
                    assertThat(got.lastStableOffset()).isEqualTo(f.lastStableOffset());
                    assertThat(got.codec()).isIn(CompressionCodec.NONE, f.codec());
                } else {
                    assertThat(VectorCases.comparable(d.body())).isEqualTo(VectorCases.comparable(body));
                    ByteBuf again = ResponseCodec.encodeSuccess(alloc, id, d.body(), requestFlags);
                    assertThat(ByteBufUtil.equals(again, frame)).isTrue();
                    again.release();
                }
            } finally {
                frame.release();
                body.release();
            }
            // Errors round-trip for every type too.
            int code = random.nextInt(0x10000);
            String message = string(40);
            ByteBuf err = ResponseCodec.encodeError(alloc, id, code, message);
            try (DecodedResponse d = ResponseCodec.decode(err.slice(4, err.readableBytes() - 8), key, 0, alloc)) {
                assertThat(d.header()).isEqualTo(new ResponseHeader(id, 1, code));
                assertThat(d.errorMessage()).isEqualTo(message);
            } finally {
                err.release();
            }
        }
    }

    // ---- generators ----

    private String string(int max) {
        int n = random.nextInt(max + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    private String topic() {
        return "t" + string(12);
    }

    private byte[] bytes(int max) {
        byte[] b = new byte[random.nextInt(max + 1)];
        random.nextBytes(b);
        return b;
    }

    private int partition() {
        return random.nextInt(4) == 0 ? Integer.MAX_VALUE - random.nextInt(3) : random.nextInt(100);
    }

    private <T> List<T> list(int max, Supplier<T> element) {
        List<T> l = new ArrayList<>();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            l.add(element.get());
        }
        return l;
    }

    /** Sorted and unique, as encoders write them (B.2). */
    private <P> TopicPartitions<P> topicPartitions(Function<Integer, P> entry, boolean allowEmptyTopics) {
        TreeMap<String, List<P>> map = new TreeMap<>(TopicPartitions::compareUtf8);
        int topics = random.nextInt(4);
        for (int t = 0; t < topics; t++) {
            TreeSet<Integer> ps = new TreeSet<>();
            int n = (allowEmptyTopics ? 0 : 1) + random.nextInt(4);
            while (ps.size() < n) {
                ps.add(partition());
            }
            String name = topic();
            if (!map.containsKey(name)) { // a repeated name would drop entries that may hold buffers
                map.put(name, ps.stream().map(entry).toList());
            }
        }
        return TopicPartitions.of(map);
    }

    private MessageBlock block(int maxMessages) {
        List<Msg> msgs = new ArrayList<>();
        int n = random.nextInt(maxMessages + 1);
        for (int i = 0; i < n; i++) {
            List<Header> headers = new ArrayList<>();
            int hc = random.nextInt(3);
            for (int h = 0; h < hc; h++) {
                headers.add(new Header("h" + h + string(5), bytes(10)));
            }
            byte[] value = random.nextInt(4) == 0
                    ? "abcabcabcabcabcabcabcabcabcabc".repeat(10).getBytes(StandardCharsets.UTF_8) : bytes(300);
            msgs.add(new Msg(random.nextLong(), random.nextLong(), bytes(20), value, headers));
        }
        return Msg.block(alloc, msgs);
    }

    private RequestBody randomRequest(ApiKey key) {
        return switch (key) {
            case PRODUCE -> {
                CompressionCodec codec = CompressionCodec.values()[random.nextInt(5)];
                ProducerIdAndEpoch txn = random.nextBoolean() ? null
                        : new ProducerIdAndEpoch(random.nextLong(), (short) random.nextInt());
                ProducerSequence seq = random.nextBoolean() ? null : new ProducerSequence(
                        random.nextLong() & Long.MAX_VALUE, (short) random.nextInt(0x8000),
                        random.nextInt() & Integer.MAX_VALUE);
                if (txn != null && seq != null) {
                    // B.12.3: both trailers name the same producer.
                    txn = new ProducerIdAndEpoch(seq.producerId(), seq.producerEpoch());
                }
                MessageBlock b = block(20);
                if (b.count() == 0) {
                    b.release();
                    b = Msg.block(alloc, List.of(Msg.of(0, 1, "k", "v")));
                }
                yield new ProduceRequest(topic(), partition(), b, codec, txn, seq);
            }
            case FETCH -> new FetchRequest(topic(), partition(), random.nextLong(), random.nextLong() & 0xFFFFFFFFL,
                    CompressionCodec.values()[random.nextInt(5)], random.nextBoolean());
            case GET_OFFSET -> new GetOffsetRequest(topic(), partition());
            case CREATE_TOPIC -> new CreateTopicRequest(topic(), partition(), random.nextInt(0x10000));
            case DELETE_TOPIC -> new DeleteTopicRequest(topic());
            case LIST_TOPICS -> ListTopicsRequest.INSTANCE;
            case HEALTH_CHECK -> HealthCheckRequest.INSTANCE;
            case JOIN_GROUP -> new JoinGroupRequest(string(10), random.nextInt(), random.nextInt(), string(10),
                    string(10), string(10), list(4, () -> new GroupProtocol(string(10), bytes(50))));
            case SYNC_GROUP -> new SyncGroupRequest(string(10), random.nextInt(), string(10),
                    list(4, () -> new MemberAssignment(string(10), bytes(50))));
            case HEARTBEAT -> new HeartbeatRequest(string(10), random.nextInt(), string(10));
            case LEAVE_GROUP -> new LeaveGroupRequest(string(10), string(10));
            case OFFSET_COMMIT -> new OffsetCommitRequest(string(10), random.nextInt(), string(10),
                    topicPartitions(p -> new PartitionOffset(p, random.nextLong(), string(8)), false));
            case OFFSET_FETCH -> new OffsetFetchRequest(string(10), topicPartitions(p -> p, true));
            case INIT_PRODUCER_ID -> new InitProducerIdRequest(string(10), random.nextInt());
            case ADD_PARTITIONS_TO_TXN -> new AddPartitionsToTxnRequest(string(10), random.nextLong(),
                    (short) random.nextInt(), topicPartitions(p -> p, true));
            case ADD_OFFSETS_TO_TXN -> new AddOffsetsToTxnRequest(string(10), random.nextLong(),
                    (short) random.nextInt(), string(10));
            case END_TXN -> new EndTxnRequest(string(10), random.nextLong(), (short) random.nextInt(),
                    random.nextBoolean());
            case TXN_OFFSET_COMMIT -> new TxnOffsetCommitRequest(string(10), string(10), random.nextLong(),
                    (short) random.nextInt(), topicPartitions(p -> new PartitionOffset(p, random.nextLong(),
                    string(8)), false));
            case DELETE_GROUPS -> new DeleteGroupsRequest(list(5, () -> string(10)));
            case LIST_GROUPS -> new ListGroupsRequest(string(5), list(4, () -> string(10)));
            case SASL_HANDSHAKE -> new SaslHandshakeRequest(string(13));
            case SASL_AUTHENTICATE -> new SaslAuthenticateRequest(bytes(200));
            case API_VERSIONS -> new ApiVersionsRequest(string(15), string(8));
            case SHARE_GROUP_HEARTBEAT -> new ShareGroupHeartbeatRequest(string(10), string(10), random.nextBoolean(),
                    string(10), list(4, this::topic));
            case SHARE_FETCH -> new ShareFetchRequest(string(10), string(10), random.nextInt(), string(30),
                    topicPartitions(p -> new ShareFetchPartition(p, random.nextLong() & 0xFFFFFFFFL,
                            random.nextLong() & 0xFFFFFFFFL, acknowledgements(false)), false));
            case SHARE_ACKNOWLEDGE -> {
                boolean txn = random.nextBoolean();
                yield new ShareAcknowledgeRequest(string(10), string(10),
                        topicPartitions(p -> new ShareAcknowledgePartition(p, acknowledgements(txn)), false),
                        txn ? new ProducerIdAndEpoch(random.nextLong() & Long.MAX_VALUE,
                                (short) random.nextInt(0x8000)) : null);
            }
            case SHARE_GROUP_CONFIGURE -> new ShareGroupConfigureRequest(string(10), random.nextInt(),
                    random.nextInt(), random.nextInt(), random.nextBoolean() ? "" : topic(), random.nextInt(256),
                    random.nextInt());
            case INIT_XA_BRANCH -> new InitXaBranchRequest(string(20), xid(), random.nextInt());
            case PREPARE_TXN -> new PrepareTxnRequest(string(20), random.nextLong(), (short) random.nextInt());
            case END_XA_BRANCH -> {
                XaAction action = XaAction.values()[random.nextInt(3)];
                yield new EndXaBranchRequest(string(20), xid(), action,
                        action != XaAction.FORGET && random.nextBoolean());
            }
            case LIST_XA_BRANCHES -> new ListXaBranchesRequest(string(10), list(4, () -> string(10)));
        };
    }

    private ResponseBody randomResponse(ApiKey key, int requestFlags) {
        return switch (key) {
            case PRODUCE -> new ProduceResponse(random.nextLong(), random.nextInt(Integer.MAX_VALUE),
                    random.nextLong());
            case FETCH -> new FetchResponse(random.nextLong(), block(20), CompressionCodec.values()[random.nextInt(5)],
                    (requestFlags & Frames.FLAG_READ_COMMITTED) != 0 ? random.nextLong() & Long.MAX_VALUE
                            : FetchResponse.NO_LAST_STABLE_OFFSET);
            case GET_OFFSET -> new GetOffsetResponse(topic(), partition(), random.nextLong(), random.nextLong(),
                    random.nextLong());
            case CREATE_TOPIC -> new CreateTopicResponse(topic(), random.nextBoolean());
            case DELETE_TOPIC -> new DeleteTopicResponse(topic(), random.nextBoolean());
            case LIST_TOPICS -> new ListTopicsResponse(list(6, () -> new TopicInfo(topic(), partition())));
            case HEALTH_CHECK -> new HealthCheckResponse(string(10), random.nextLong());
            case JOIN_GROUP -> new JoinGroupResponse(random.nextInt(), string(10), string(10), string(10),
                    list(4, () -> new GroupMember(string(10), bytes(50))));
            case SYNC_GROUP -> new SyncGroupResponse(bytes(80));
            case HEARTBEAT -> HeartbeatResponse.INSTANCE;
            case LEAVE_GROUP -> LeaveGroupResponse.INSTANCE;
            case OFFSET_COMMIT -> new OffsetCommitResponse(topicPartitions(
                    p -> new PartitionResult(p, random.nextInt(0x10000)), false));
            case OFFSET_FETCH -> new OffsetFetchResponse(topicPartitions(p -> new PartitionOffsetResult(p,
                    random.nextLong(), string(8), random.nextInt(0x10000)), true));
            case INIT_PRODUCER_ID -> new InitProducerIdResponse(random.nextLong(), (short) random.nextInt());
            case ADD_PARTITIONS_TO_TXN -> new AddPartitionsToTxnResponse(topicPartitions(
                    p -> new PartitionResult(p, random.nextInt(0x10000)), false));
            case ADD_OFFSETS_TO_TXN -> AddOffsetsToTxnResponse.INSTANCE;
            case END_TXN -> EndTxnResponse.INSTANCE;
            case TXN_OFFSET_COMMIT -> new TxnOffsetCommitResponse(topicPartitions(
                    p -> new PartitionResult(p, random.nextInt(0x10000)), false));
            case DELETE_GROUPS -> new DeleteGroupsResponse(list(5,
                    () -> new GroupResult(string(10), random.nextInt(0x10000))));
            case LIST_GROUPS -> new ListGroupsResponse(list(5,
                    () -> new GroupInfo(string(10), string(8), string(8))));
            case SASL_HANDSHAKE -> new SaslHandshakeResponse(list(3, () -> string(13)));
            case SASL_AUTHENTICATE -> new SaslAuthenticateResponse(bytes(200));
            case API_VERSIONS -> new ApiVersionsResponse(list(25, () -> new ApiVersion(random.nextInt(256),
                    random.nextInt(256), random.nextInt(256))), random.nextInt(), string(30));
            case SHARE_GROUP_HEARTBEAT -> new ShareGroupHeartbeatResponse(string(10), random.nextInt(),
                    topicPartitions(p -> p, false));
            case SHARE_FETCH -> new ShareFetchResponse(random.nextInt(), topicPartitions(
                    p -> new ShareFetchPartitionData(p, random.nextInt(0x10000), random.nextInt(0x10000),
                            ranges(), random.nextBoolean(), shareRecords(6)), false));
            case SHARE_ACKNOWLEDGE -> new ShareAcknowledgeResponse(random.nextInt(), topicPartitions(
                    p -> new ShareAcknowledgePartitionResult(p, random.nextInt(0x10000), ranges()), false));
            case SHARE_GROUP_CONFIGURE -> new ShareGroupConfigureResponse(string(8), random.nextLong() & 0xFFFFFFFFL,
                    random.nextInt(), random.nextInt(), string(10), random.nextInt(256), random.nextInt(),
                    topicPartitions(p -> new SharePartitionState(p, random.nextLong(), random.nextLong() & 0xFFFFFFFFL,
                            random.nextBoolean()), false));
            case INIT_XA_BRANCH -> new InitXaBranchResponse(random.nextLong(), (short) random.nextInt());
            case PREPARE_TXN -> PrepareTxnResponse.INSTANCE;
            case END_XA_BRANCH -> EndXaBranchResponse.INSTANCE;
            case LIST_XA_BRANCHES -> new ListXaBranchesResponse(list(3, () -> new XaBranch(string(20), xid(),
                    string(10), random.nextLong(), (short) random.nextInt(), random.nextLong(),
                    topicPartitions(p -> p, false), list(3, () -> string(10)))));
        };
    }

    /** Valid, non-overlapping ranges in random order (only stageable types when {@code stageable}). */
    private List<Acknowledgement> acknowledgements(boolean stageable) {
        List<Acknowledgement> acks = new ArrayList<>();
        long next = random.nextBoolean() ? random.nextInt(1000) : random.nextLong() & (Long.MAX_VALUE >> 2);
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            long first = next + random.nextInt(50);
            long last = first + random.nextInt(5);
            acks.add(new Acknowledgement(first, last, AcknowledgeType.values()[random.nextInt(stageable ? 3 : 5)]));
            next = last + 1;
        }
        Collections.shuffle(acks, random);
        return acks;
    }

    private List<OffsetRange> ranges() {
        return list(3, () -> {
            long first = random.nextLong() & Long.MAX_VALUE;
            return new OffsetRange(first, first + random.nextInt(10));
        });
    }

    private Xid xid() {
        byte[] gtrid = new byte[1 + random.nextInt(Xid.MAX_GTRID_SIZE)];
        random.nextBytes(gtrid);
        byte[] bqual = new byte[random.nextInt(Xid.MAX_BQUAL_SIZE + 1)];
        random.nextBytes(bqual);
        int formatId = random.nextInt();
        return new Xid(formatId == -1 ? 0 : formatId, gtrid, bqual);
    }

    private ShareRecords shareRecords(int max) {
        try (ShareRecords.Builder b = new ShareRecords.Builder(alloc, 64)) {
            int n = random.nextInt(max + 1);
            for (int i = 0; i < n; i++) {
                List<Header> headers = new ArrayList<>();
                int hc = random.nextInt(3);
                for (int h = 0; h < hc; h++) {
                    headers.add(new Header("h" + h + string(5), bytes(10)));
                }
                b.append(random.nextInt(0x10000), random.nextLong(), random.nextLong(), bytes(20), bytes(100),
                        headers);
            }
            return b.finish();
        }
    }
}
