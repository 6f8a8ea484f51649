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
import io.streambus.protocol.message.Message;
import io.streambus.protocol.security.SaslAuthenticateRequest;
import io.streambus.protocol.security.SaslAuthenticateResponse;
import io.streambus.protocol.security.SaslHandshakeRequest;
import io.streambus.protocol.security.SaslHandshakeResponse;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.AcquiredRecord;
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
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

/** The field values of every frame vector, as listed in vectors/README.md. */
final class VectorCases {
    static final long TS0 = 1_700_000_000_000_000_000L;

    /**
     * One vector.
     *
     * @param flags     request flags (for responses: flags of the request answered)
     * @param errorCode for error responses, else 0
     * @param body      builds the body (RequestBody, ResponseBody or ErrorResponse) with the given allocator
     */
    record Case(String name, boolean request, ApiKey type, long requestId, int flags, int errorCode,
                Function<ByteBufAllocator, Object> body) {
        @Override
        public String toString() {
            return name;
        }
    }

    private VectorCases() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void str(ByteBuffer b, String s) {
        byte[] u = utf8(s);
        b.putInt(u.length).put(u);
    }

    /** Consumer subscription (B.6.2) with no owned partitions, built by hand. */
    static byte[] subscription(String... topics) {
        ByteBuffer b = ByteBuffer.allocate(256);
        b.putShort((short) 0).putInt(topics.length);
        for (String t : topics) {
            str(b, t);
        }
        b.putInt(0).putInt(0);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** Consumer assignment (B.6.2) of one topic, built by hand. */
    static byte[] assignment(String topic, int... partitions) {
        ByteBuffer b = ByteBuffer.allocate(256);
        b.putShort((short) 0).putInt(1);
        str(b, topic);
        b.putInt(partitions.length);
        for (int p : partitions) {
            b.putInt(p);
        }
        b.putInt(0);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    static final List<Msg> PRODUCE_1 = List.of(
            Msg.of(0, TS0, "user-1", "hello", Header.of("content-type", "text/plain"),
                    Header.of("trace-id", "abc123")),
            Msg.of(0, TS0 + 1, null, "world"));

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        // Part A
        c.add(req("produce-request-1", ApiKey.PRODUCE, 1, 0x0001,
                a -> new ProduceRequest("orders", 0, Msg.block(a, PRODUCE_1))));
        c.add(resp("produce-response-1", ApiKey.PRODUCE, 1, 0, a -> new ProduceResponse(0, 2, 2)));
        c.add(req("fetch-request-1", ApiKey.FETCH, 2, 0, a -> new FetchRequest("orders", 0, 0, 1_048_576)));
        c.add(resp("fetch-response-1", ApiKey.FETCH, 2, 0, a -> new FetchResponse(2, Msg.block(a, List.of(
                Msg.of(0, Message.REFERENCE_NO_TIMESTAMP, "user-1", "hello"),
                Msg.of(1, Message.REFERENCE_NO_TIMESTAMP, null, "world"))))));
        c.add(resp("fetch-response-2", ApiKey.FETCH, 2, 0, a -> new FetchResponse(2, Msg.block(a, List.of(
                Msg.of(0, TS0, "user-1", "hello", Header.of("content-type", "text/plain"),
                        Header.of("trace-id", "abc123")),
                Msg.of(1, TS0 + 1, null, "world"))))));
        c.add(resp("fetch-response-3", ApiKey.FETCH, 3, 0, a -> new FetchResponse(2, Msg.block(a, List.of()))));
        c.add(req("getoffset-request-1", ApiKey.GET_OFFSET, 4, 0, a -> new GetOffsetRequest("orders", 0)));
        c.add(resp("getoffset-response-1", ApiKey.GET_OFFSET, 4, 0,
                a -> new GetOffsetResponse("orders", 0, 0, 2, 2)));
        c.add(req("createtopic-request-1", ApiKey.CREATE_TOPIC, 5, 0, a -> new CreateTopicRequest("events", 3, 1)));
        c.add(resp("createtopic-response-1", ApiKey.CREATE_TOPIC, 5, 0, a -> new CreateTopicResponse("events", true)));
        c.add(req("deletetopic-request-1", ApiKey.DELETE_TOPIC, 6, 0, a -> new DeleteTopicRequest("events")));
        c.add(resp("deletetopic-response-1", ApiKey.DELETE_TOPIC, 6, 0, a -> new DeleteTopicResponse("events", true)));
        c.add(req("listtopics-request-1", ApiKey.LIST_TOPICS, 7, 0, a -> ListTopicsRequest.INSTANCE));
        c.add(resp("listtopics-response-1", ApiKey.LIST_TOPICS, 7, 0, a -> new ListTopicsResponse(List.of(
                new TopicInfo("orders", 1), new TopicInfo("events", 3)))));
        c.add(req("healthcheck-request-1", ApiKey.HEALTH_CHECK, 0x0102030405060708L, 0,
                a -> HealthCheckRequest.INSTANCE));
        c.add(resp("healthcheck-response-1", ApiKey.HEALTH_CHECK, 0x0102030405060708L, 0,
                a -> new HealthCheckResponse("healthy", 3600)));
        c.add(error("error-response-1", ApiKey.GET_OFFSET, 8, 8, "topic missing does not exist"));
        c.add(error("error-response-2", ApiKey.CREATE_TOPIC, 9, 9, "failed to create topic: topic orders already "
                + "exists with 1 partitions, cannot recreate with 3 partitions"));
        c.add(error("error-response-3", ApiKey.API_VERSIONS, 10, 1, "unknown request type"));
        // Part B: groups
        byte[] subA = subscription("orders", "payments");
        c.add(req("ext-joingroup-request-1", ApiKey.JOIN_GROUP, 101, 0, a -> new JoinGroupRequest("billing", 30000,
                60000, "", "svc-a", "consumer", List.of(new GroupProtocol("range", subA),
                new GroupProtocol("roundrobin", subA)))));
        c.add(resp("ext-joingroup-response-1", ApiKey.JOIN_GROUP, 101, 0, a -> new JoinGroupResponse(1, "range",
                "svc-a-1", "svc-a-1", List.of(new GroupMember("svc-a-1", subA),
                new GroupMember("svc-b-1", subscription("orders"))))));
        byte[] assignA = Vectors.bytes("ext-consumer-assignment-1");
        c.add(req("ext-syncgroup-request-1", ApiKey.SYNC_GROUP, 102, 0, a -> new SyncGroupRequest("billing", 1,
                "svc-a-1", List.of(new MemberAssignment("svc-a-1", assignA),
                new MemberAssignment("svc-b-1", assignment("orders", 2))))));
        c.add(resp("ext-syncgroup-response-1", ApiKey.SYNC_GROUP, 102, 0, a -> new SyncGroupResponse(assignA)));
        c.add(req("ext-heartbeat-request-1", ApiKey.HEARTBEAT, 103, 0, a -> new HeartbeatRequest("billing", 1,
                "svc-a-1")));
        c.add(resp("ext-heartbeat-response-1", ApiKey.HEARTBEAT, 103, 0, a -> HeartbeatResponse.INSTANCE));
        c.add(error("ext-heartbeat-response-2", ApiKey.HEARTBEAT, 104, 22, "group billing is rebalancing"));
        c.add(req("ext-leavegroup-request-1", ApiKey.LEAVE_GROUP, 105, 0, a -> new LeaveGroupRequest("billing",
                "svc-a-1")));
        c.add(resp("ext-leavegroup-response-1", ApiKey.LEAVE_GROUP, 105, 0, a -> LeaveGroupResponse.INSTANCE));
        c.add(req("ext-offsetcommit-request-1", ApiKey.OFFSET_COMMIT, 106, 0, a -> new OffsetCommitRequest("billing",
                1, "svc-a-1", TopicPartitions.of("orders", List.of(new PartitionOffset(0, 42, ""),
                new PartitionOffset(1, 7, "host=a"))))));
        c.add(resp("ext-offsetcommit-response-1", ApiKey.OFFSET_COMMIT, 106, 0, a -> new OffsetCommitResponse(
                TopicPartitions.of("orders", List.of(new PartitionResult(0, 0), new PartitionResult(1, 0))))));
        c.add(req("ext-offsetfetch-request-1", ApiKey.OFFSET_FETCH, 107, 0, a -> new OffsetFetchRequest("billing",
                TopicPartitions.of("orders", List.of(0, 1, 2)))));
        c.add(resp("ext-offsetfetch-response-1", ApiKey.OFFSET_FETCH, 107, 0, a -> new OffsetFetchResponse(
                TopicPartitions.of("orders", List.of(new PartitionOffsetResult(0, 42, "", 0),
                        new PartitionOffsetResult(1, 7, "host=a", 0), new PartitionOffsetResult(2, -1, "", 0))))));
        // Part B: transactions
        c.add(req("ext-initproducerid-request-1", ApiKey.INIT_PRODUCER_ID, 108, 0,
                a -> new InitProducerIdRequest("txn-billing-1", 60000)));
        c.add(resp("ext-initproducerid-response-1", ApiKey.INIT_PRODUCER_ID, 108, 0,
                a -> new InitProducerIdResponse(1001, (short) 0)));
        c.add(req("ext-addpartitionstotxn-request-1", ApiKey.ADD_PARTITIONS_TO_TXN, 109, 0,
                a -> new AddPartitionsToTxnRequest("txn-billing-1", 1001, (short) 0, new TopicPartitions<>(List.of(
                        new TopicPartitions.Topic<>("orders", List.of(0)),
                        new TopicPartitions.Topic<>("payments", List.of(0, 2)))))));
        c.add(resp("ext-addpartitionstotxn-response-1", ApiKey.ADD_PARTITIONS_TO_TXN, 109, 0,
                a -> new AddPartitionsToTxnResponse(new TopicPartitions<>(List.of(
                        new TopicPartitions.Topic<>("orders", List.of(new PartitionResult(0, 0))),
                        new TopicPartitions.Topic<>("payments", List.of(new PartitionResult(0, 0),
                                new PartitionResult(2, 5))))))));
        c.add(req("ext-addoffsetstotxn-request-1", ApiKey.ADD_OFFSETS_TO_TXN, 110, 0,
                a -> new AddOffsetsToTxnRequest("txn-billing-1", 1001, (short) 0, "billing")));
        c.add(resp("ext-addoffsetstotxn-response-1", ApiKey.ADD_OFFSETS_TO_TXN, 110, 0,
                a -> AddOffsetsToTxnResponse.INSTANCE));
        c.add(req("ext-txnoffsetcommit-request-1", ApiKey.TXN_OFFSET_COMMIT, 111, 0,
                a -> new TxnOffsetCommitRequest("txn-billing-1", "billing", 1001, (short) 0,
                        TopicPartitions.of("orders", List.of(new PartitionOffset(0, 43, ""))))));
        c.add(resp("ext-txnoffsetcommit-response-1", ApiKey.TXN_OFFSET_COMMIT, 111, 0,
                a -> new TxnOffsetCommitResponse(TopicPartitions.of("orders", List.of(new PartitionResult(0, 0))))));
        c.add(req("ext-endtxn-request-1", ApiKey.END_TXN, 112, 0,
                a -> new EndTxnRequest("txn-billing-1", 1001, (short) 0, true)));
        c.add(resp("ext-endtxn-response-1", ApiKey.END_TXN, 112, 0, a -> EndTxnResponse.INSTANCE));
        c.add(req("ext-produce-transactional-request-1", ApiKey.PRODUCE, 113, 0x0021,
                a -> new ProduceRequest("orders", 0, Msg.block(a, List.of(Msg.of(0, TS0 + 2, "k", "v"))),
                        CompressionCodec.NONE, new ProducerIdAndEpoch(1001, (short) 0))));
        c.add(resp("ext-fetch-readcommitted-response-1", ApiKey.FETCH, 114, 0x0040,
                a -> new FetchResponse(5, Msg.block(a, List.of(Msg.of(2, TS0 + 3, null, "ok"))),
                        CompressionCodec.NONE, 3)));
        // Part B: SASL, ApiVersions, group administration
        c.add(req("ext-saslhandshake-request-1", ApiKey.SASL_HANDSHAKE, 115, 0,
                a -> new SaslHandshakeRequest("SCRAM-SHA-256")));
        c.add(resp("ext-saslhandshake-response-1", ApiKey.SASL_HANDSHAKE, 115, 0,
                a -> new SaslHandshakeResponse(List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"))));
        c.add(req("ext-saslauthenticate-request-plain", ApiKey.SASL_AUTHENTICATE, 116, 0,
                a -> new SaslAuthenticateRequest(utf8("\u0000alice\u0000alice-secret"))));
        c.add(resp("ext-saslauthenticate-response-plain", ApiKey.SASL_AUTHENTICATE, 116, 0,
                a -> new SaslAuthenticateResponse(new byte[0])));
        c.add(req("ext-saslauthenticate-request-scram-1", ApiKey.SASL_AUTHENTICATE, 117, 0,
                a -> new SaslAuthenticateRequest(utf8("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"))));
        c.add(resp("ext-saslauthenticate-response-scram-1", ApiKey.SASL_AUTHENTICATE, 117, 0,
                a -> new SaslAuthenticateResponse(utf8("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))));
        c.add(req("ext-saslauthenticate-request-scram-2", ApiKey.SASL_AUTHENTICATE, 118, 0,
                a -> new SaslAuthenticateRequest(utf8("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="))));
        c.add(resp("ext-saslauthenticate-response-scram-2", ApiKey.SASL_AUTHENTICATE, 118, 0,
                a -> new SaslAuthenticateResponse(utf8("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))));
        c.add(req("ext-apiversions-request-1", ApiKey.API_VERSIONS, 119, 0,
                a -> new ApiVersionsRequest("streambus-java", "0.1.0")));
        List<ApiVersion> apis = IntStream.concat(IntStream.rangeClosed(0x01, 0x12), IntStream.rangeClosed(0x20, 0x22))
                .mapToObj(t -> new ApiVersion(t, 1, 1)).toList();
        c.add(resp("ext-apiversions-response-1", ApiKey.API_VERSIONS, 119, 0,
                a -> new ApiVersionsResponse(apis, 0x00000005, "streambus-java-broker/0.1.0")));
        c.add(req("ext-deletegroups-request-1", ApiKey.DELETE_GROUPS, 120, 0,
                a -> new DeleteGroupsRequest(List.of("jms.d.app1.audit", "billing"))));
        c.add(resp("ext-deletegroups-response-1", ApiKey.DELETE_GROUPS, 120, 0, a -> new DeleteGroupsResponse(
                List.of(new GroupResult("jms.d.app1.audit", 0), new GroupResult("billing", 46)))));
        c.add(req("ext-listgroups-request-1", ApiKey.LIST_GROUPS, 121, 0,
                a -> new ListGroupsRequest("", List.of("Empty", "Stable"))));
        c.add(resp("ext-listgroups-response-1", ApiKey.LIST_GROUPS, 121, 0, a -> new ListGroupsResponse(List.of(
                new GroupInfo("billing", "consumer", "Stable"), new GroupInfo("reports", "", "Empty")))));
        // Part B: compression
        c.add(req("ext-produce-compressed-request-1", ApiKey.PRODUCE, 122, 0x0003,
                a -> new ProduceRequest("orders", 0, Msg.block(a, COMPRESSED_PRODUCE), CompressionCodec.GZIP, null)));
        c.add(req("ext-fetch-compressed-request-1", ApiKey.FETCH, 123, 0x0002,
                a -> new FetchRequest("orders", 0, 0, 1_048_576, CompressionCodec.GZIP, false)));
        c.add(resp("ext-fetch-compressed-response-1", ApiKey.FETCH, 123, 0x0002,
                a -> new FetchResponse(2, Msg.block(a, List.of(Msg.of(0, TS0 + 4, "k1", "v1"),
                        Msg.of(1, TS0 + 5, "k2", "v2"))), CompressionCodec.NONE, FetchResponse.NO_LAST_STABLE_OFFSET)));
        idempotentProduce(c);
        shareGroups(c);
        twoPhaseCommit(c);
        return c;
    }

    /** Spec B.12: idempotent-only producer 1002 and the sequenced producer 1001. */
    private static void idempotentProduce(List<Case> c) {
        c.add(req("ext-initproducerid-request-2", ApiKey.INIT_PRODUCER_ID, 124, 0,
                a -> new InitProducerIdRequest("", 0)));
        c.add(resp("ext-initproducerid-response-2", ApiKey.INIT_PRODUCER_ID, 124, 0,
                a -> new InitProducerIdResponse(1002, (short) 0)));
        List<Msg> batch = List.of(Msg.of(0, TS0 + 10, "order-17", "created"), Msg.of(0, TS0 + 11, "order-18", "created"));
        ProducerSequence seq0 = new ProducerSequence(1002, (short) 0, 0);
        c.add(req("ext-produce-idempotent-request-1", ApiKey.PRODUCE, 125, 0x0081,
                a -> new ProduceRequest("orders", 1, Msg.block(a, batch), CompressionCodec.NONE, null, seq0)));
        c.add(resp("ext-produce-idempotent-response-1", ApiKey.PRODUCE, 125, 0x0081,
                a -> new ProduceResponse(17, 2, 19)));
        c.add(req("ext-produce-idempotent-request-2", ApiKey.PRODUCE, 126, 0x0081,
                a -> new ProduceRequest("orders", 1, Msg.block(a, batch), CompressionCodec.NONE, null, seq0)));
        c.add(resp("ext-produce-idempotent-response-2", ApiKey.PRODUCE, 126, 0x0081,
                a -> new ProduceResponse(17, 2, 23)));
        c.add(req("ext-produce-idempotent-transactional-request-1", ApiKey.PRODUCE, 128, 0x00a1,
                a -> new ProduceRequest("payments", 0, Msg.block(a, List.of(Msg.of(0, TS0 + 12, "pay-1", "debit"))),
                        CompressionCodec.NONE, new ProducerIdAndEpoch(1001, (short) 0),
                        new ProducerSequence(1001, (short) 0, 0))));
        c.add(resp("ext-produce-idempotent-transactional-response-1", ApiKey.PRODUCE, 128, 0x00a1,
                a -> new ProduceResponse(0, 1, 1)));
        c.add(req("ext-produce-compressed-idempotent-request-1", ApiKey.PRODUCE, 127, 0x0083,
                a -> new ProduceRequest("orders", 1, Msg.block(a, COMPRESSED_PRODUCE), CompressionCodec.GZIP, null,
                        new ProducerSequence(1002, (short) 0, 2))));
        c.add(error("ext-produce-idempotent-response-3", ApiKey.PRODUCE, 129, ErrorCode.OUT_OF_ORDER_SEQUENCE,
                "out of order sequence for producer 1002 on orders/1: expected 4, got 6"));
    }

    /** Spec B.13: share group "queue.orders", its member "svc-q-1", its dead-letter topic. */
    private static void shareGroups(List<Case> c) {
        c.add(req("ext-sharegroupconfigure-request-1", ApiKey.SHARE_GROUP_CONFIGURE, 130, 0,
                a -> new ShareGroupConfigureRequest("queue.orders", 0x0d, 5, 0, "orders.dlq", 0, 0)));
        c.add(resp("ext-sharegroupconfigure-response-1", ApiKey.SHARE_GROUP_CONFIGURE, 130, 0,
                a -> new ShareGroupConfigureResponse("Empty", 0, 5, 30000, "orders.dlq", 0, 2000,
                        TopicPartitions.empty())));
        c.add(req("ext-sharegroupheartbeat-request-1", ApiKey.SHARE_GROUP_HEARTBEAT, 131, 0,
                a -> new ShareGroupHeartbeatRequest("queue.orders", "", false, "svc-q", List.of("orders"))));
        c.add(resp("ext-sharegroupheartbeat-response-1", ApiKey.SHARE_GROUP_HEARTBEAT, 131, 0,
                a -> new ShareGroupHeartbeatResponse("svc-q-1", 5000, TopicPartitions.of("orders", List.of(0, 1, 2)))));
        c.add(req("ext-sharefetch-request-1", ApiKey.SHARE_FETCH, 132, 0,
                a -> new ShareFetchRequest("queue.orders", "svc-q-1", 500, "region = 'eu' AND amount > 100",
                        TopicPartitions.of("orders", List.of(
                                new ShareFetchPartition(0, 10, 1_048_576, List.of(
                                        new Acknowledgement(40, 41, AcknowledgeType.ACCEPT),
                                        new Acknowledgement(42, 42, AcknowledgeType.RELEASE),
                                        new Acknowledgement(43, 43, AcknowledgeType.REJECT))),
                                new ShareFetchPartition(1, 10, 1_048_576, List.of()))))));
        c.add(resp("ext-sharefetch-response-1", ApiKey.SHARE_FETCH, 132, 0, a -> {
            ShareRecords records;
            try (ShareRecords.Builder b = new ShareRecords.Builder(a, 64)) {
                records = b.append(2, 42, TS0 + 42, utf8("order-42"), utf8("amount=250"),
                                List.of(Header.of("region", "eu"), Header.of("amount", "250")))
                        .append(1, 44, TS0 + 44, utf8("order-44"), utf8("amount=120"),
                                List.of(Header.of("region", "eu"), Header.of("amount", "120")))
                        .finish();
            }
            return new ShareFetchResponse(30000, TopicPartitions.of("orders", List.of(
                    new ShareFetchPartitionData(0, 0, 0, List.of(), false, records),
                    new ShareFetchPartitionData(1, 0, 0, List.of(), true, ShareRecords.empty()))));
        }));
        c.add(error("ext-sharefetch-response-2", ApiKey.SHARE_FETCH, 135, ErrorCode.INVALID_FILTER,
                "invalid filter at character 10: expected an expression after '='"));
        c.add(req("ext-shareacknowledge-request-1", ApiKey.SHARE_ACKNOWLEDGE, 133, 0,
                a -> new ShareAcknowledgeRequest("queue.orders", "svc-q-1", TopicPartitions.of("orders", List.of(
                        new ShareAcknowledgePartition(0, List.of(new Acknowledgement(42, 42, AcknowledgeType.ACCEPT),
                                new Acknowledgement(44, 44, AcknowledgeType.RENEW))),
                        new ShareAcknowledgePartition(1, List.of(new Acknowledgement(7, 7, AcknowledgeType.ACCEPT))))))));
        c.add(resp("ext-shareacknowledge-response-1", ApiKey.SHARE_ACKNOWLEDGE, 133, 0,
                a -> new ShareAcknowledgeResponse(30000, TopicPartitions.of("orders", List.of(
                        new ShareAcknowledgePartitionResult(0, 0, List.of()),
                        new ShareAcknowledgePartitionResult(1, ErrorCode.INVALID_RECORD_STATE,
                                List.of(new OffsetRange(7, 7))))))));
        c.add(req("ext-sharegroupconfigure-request-2", ApiKey.SHARE_GROUP_CONFIGURE, 134, 0,
                a -> ShareGroupConfigureRequest.describe("queue.orders")));
        c.add(resp("ext-sharegroupconfigure-response-2", ApiKey.SHARE_GROUP_CONFIGURE, 134, 0,
                a -> new ShareGroupConfigureResponse("Stable", 2, 5, 30000, "orders.dlq", 0, 2000,
                        TopicPartitions.of("orders", List.of(new SharePartitionState(0, 44, 2, false),
                                new SharePartitionState(1, 5, 2000, true), new SharePartitionState(2, 0, 0, false))))));
        c.add(req("ext-sharegroupheartbeat-request-2", ApiKey.SHARE_GROUP_HEARTBEAT, 136, 0,
                a -> new ShareGroupHeartbeatRequest("queue.orders", "svc-q-1", true, "svc-q", List.of())));
        c.add(resp("ext-sharegroupheartbeat-response-2", ApiKey.SHARE_GROUP_HEARTBEAT, 136, 0,
                a -> new ShareGroupHeartbeatResponse("svc-q-1", 0, TopicPartitions.empty())));
        c.add(resp("ext-fetch-deadletter-response-1", ApiKey.FETCH, 137, 0, a -> new FetchResponse(1, Msg.block(a,
                List.of(Msg.of(0, TS0 + 43, "order-43", "amount=900", Header.of("region", "eu"),
                        Header.of("amount", "900"), Header.of("sb_dlq_group", "queue.orders"),
                        Header.of("sb_dlq_topic", "orders"), Header.of("sb_dlq_partition", "0"),
                        Header.of("sb_dlq_offset", "43"), Header.of("sb_dlq_delivery_count", "1"),
                        Header.of("sb_dlq_reason", "REJECT")))))));
        c.add(resp("ext-listgroups-response-2", ApiKey.LIST_GROUPS, 121, 0, a -> new ListGroupsResponse(List.of(
                new GroupInfo("billing", "consumer", "Stable"), new GroupInfo("queue.orders", "share", "Stable"),
                new GroupInfo("reports", "", "Empty")))));
        List<ApiVersion> apis = IntStream.concat(IntStream.rangeClosed(0x01, 0x18), IntStream.rangeClosed(0x20, 0x22))
                .mapToObj(t -> new ApiVersion(t, 1, 1)).toList();
        c.add(resp("ext-apiversions-response-2", ApiKey.API_VERSIONS, 119, 0,
                a -> new ApiVersionsResponse(apis, ApiVersionsResponse.FEATURE_TXN_DATA_PATH
                        | ApiVersionsResponse.FEATURE_PRESERVES_HEADERS_AND_TIMESTAMPS
                        | ApiVersionsResponse.FEATURE_COMPRESSION | ApiVersionsResponse.FEATURE_IDEMPOTENT_PRODUCE
                        | ApiVersionsResponse.FEATURE_SHARE_GROUPS, "streambus-java-broker/0.2.0")));
    }

    static final String XA_PREFIX = "jms.app1";
    static final Xid XID_42 = new Xid(131077, utf8("tm1.000042"), utf8("br1"));
    static final Xid XID_41 = new Xid(131077, utf8("tm1.000041"), utf8("br1"));
    static final String TXN_42 = "jms.app1:xa:00020005:746d312e303030303432:627231";
    static final String TXN_41 = "jms.app1:xa:00020005:746d312e303030303431:627231";

    /** Spec B.7.8 and B.13.15: XA branch tm1.000042/br1 of application "app1", and branch tm1.000041. */
    private static void twoPhaseCommit(List<Case> c) {
        c.add(req("ext-initxabranch-request-1", ApiKey.INIT_XA_BRANCH, 138, 0,
                a -> new InitXaBranchRequest(XID_42.transactionId(XA_PREFIX), XID_42, 60000)));
        c.add(resp("ext-initxabranch-response-1", ApiKey.INIT_XA_BRANCH, 138, 0,
                a -> new InitXaBranchResponse(1004, (short) 0)));
        c.add(req("ext-addoffsetstotxn-request-2", ApiKey.ADD_OFFSETS_TO_TXN, 139, 0,
                a -> new AddOffsetsToTxnRequest(TXN_42, 1004, (short) 0, "queue.orders")));
        c.add(req("ext-shareacknowledge-request-2", ApiKey.SHARE_ACKNOWLEDGE, 140, 0x0021,
                a -> new ShareAcknowledgeRequest("queue.orders", "svc-xa-1", TopicPartitions.of("orders", List.of(
                        new ShareAcknowledgePartition(0, List.of(new Acknowledgement(44, 45, AcknowledgeType.ACCEPT))))),
                        new ProducerIdAndEpoch(1004, (short) 0))));
        c.add(resp("ext-shareacknowledge-response-2", ApiKey.SHARE_ACKNOWLEDGE, 140, 0x0021,
                a -> new ShareAcknowledgeResponse(30000, TopicPartitions.of("orders", List.of(
                        new ShareAcknowledgePartitionResult(0, 0, List.of()))))));
        c.add(req("ext-preparetxn-request-1", ApiKey.PREPARE_TXN, 141, 0,
                a -> new PrepareTxnRequest(TXN_42, 1004, (short) 0)));
        c.add(resp("ext-preparetxn-response-1", ApiKey.PREPARE_TXN, 141, 0, a -> PrepareTxnResponse.INSTANCE));
        c.add(error("ext-initxabranch-response-2", ApiKey.INIT_XA_BRANCH, 142, ErrorCode.DUPLICATE_XID,
                "xid 131077:746d312e303030303432:627231 is already in use (branch Prepared)"));
        c.add(req("ext-listxabranches-request-1", ApiKey.LIST_XA_BRANCHES, 143, 0,
                a -> new ListXaBranchesRequest("jms.app1:xa:", List.of("Prepared", "HeuristicCommit",
                        "HeuristicRollback"))));
        c.add(resp("ext-listxabranches-response-1", ApiKey.LIST_XA_BRANCHES, 143, 0,
                a -> new ListXaBranchesResponse(List.of(
                        new XaBranch(TXN_41, XID_41, "HeuristicRollback", 1003, (short) 1, 1_700_000_100_000L,
                                TopicPartitions.empty(), List.of()),
                        new XaBranch(TXN_42, XID_42, "Prepared", 1004, (short) 0, 1_700_000_200_000L,
                                TopicPartitions.of("payments", List.of(0)), List.of("queue.orders"))))));
        c.add(req("ext-endxabranch-request-1", ApiKey.END_XA_BRANCH, 144, 0,
                a -> new EndXaBranchRequest(TXN_42, XID_42, XaAction.COMMIT, false)));
        c.add(resp("ext-endxabranch-response-1", ApiKey.END_XA_BRANCH, 144, 0, a -> EndXaBranchResponse.INSTANCE));
        c.add(req("ext-endxabranch-request-2", ApiKey.END_XA_BRANCH, 145, 0,
                a -> new EndXaBranchRequest(TXN_41, XID_41, XaAction.COMMIT, false)));
        c.add(error("ext-endxabranch-response-2", ApiKey.END_XA_BRANCH, 145, ErrorCode.HEURISTIC_ROLLBACK,
                "branch was rolled back by an operator (heuristic) at 1700000100000"));
        c.add(req("ext-endxabranch-request-3", ApiKey.END_XA_BRANCH, 146, 0,
                a -> new EndXaBranchRequest(TXN_41, XID_41, XaAction.FORGET, false)));
        c.add(resp("ext-endxabranch-response-3", ApiKey.END_XA_BRANCH, 146, 0, a -> EndXaBranchResponse.INSTANCE));
        List<ApiVersion> apis = IntStream.concat(IntStream.rangeClosed(0x01, 0x1C), IntStream.rangeClosed(0x20, 0x22))
                .mapToObj(t -> new ApiVersion(t, 1, 1)).toList();
        c.add(resp("ext-apiversions-response-3", ApiKey.API_VERSIONS, 119, 0,
                a -> new ApiVersionsResponse(apis, 0x000000fd, "streambus-java-broker/0.3.0")));
    }

    static final List<Msg> COMPRESSED_PRODUCE = List.of(
            Msg.of(0, TS0 + 4, "k1", "compressible compressible compressible"),
            Msg.of(0, TS0 + 5, "k2", "compressible compressible compressible"));

    private static Case req(String name, ApiKey type, long id, int flags, Function<ByteBufAllocator, Object> body) {
        return new Case(name, true, type, id, flags, 0, body);
    }

    private static Case resp(String name, ApiKey type, long id, int requestFlags,
                             Function<ByteBufAllocator, Object> body) {
        return new Case(name, false, type, id, requestFlags, 0, body);
    }

    private static Case error(String name, ApiKey type, long id, int code, String message) {
        return new Case(name, false, type, id, 0, code, a -> new ErrorResponse(message));
    }

    /** A value-comparable view of a body: message blocks become lists of {@link Msg}. */
    static Object comparable(Object body) {
        if (body instanceof ProduceRequest p) {
            return List.of(p.topic(), p.partition(), Msg.read(p.messages()), p.compression(),
                    String.valueOf(p.transaction()), String.valueOf(p.sequence()));
        }
        if (body instanceof ShareFetchResponse f) {
            List<Object> parts = new ArrayList<>();
            for (TopicPartitions.Topic<ShareFetchPartitionData> t : f.partitions().topics()) {
                for (ShareFetchPartitionData p : t.partitions()) {
                    parts.add(List.of(t.name(), p.partition(), p.errorCode(), p.acknowledgeErrorCode(),
                            p.unappliedAcknowledgements(), p.inFlightLimitReached(), records(p.records())));
                }
            }
            return List.of(f.acquisitionLockMs(), parts);
        }
        if (body instanceof FetchResponse f) {
            return List.of(f.highWaterMark(), Msg.read(f.messages()), f.codec(), f.lastStableOffset());
        }
        return body;
    }

    /** Records as comparable (delivery count, {@link Msg}) pairs. */
    static List<List<Object>> records(ShareRecords records) {
        List<List<Object>> list = new ArrayList<>();
        for (AcquiredRecord r : records.toRecords()) {
            Message m = r.message();
            list.add(List.of(r.deliveryCount(), new Msg(m.offset(), m.timestampNanos(), m.keyBytes(), m.valueBytes(),
                    m.headers())));
            r.release();
        }
        return list;
    }

    static void release(Object body) {
        if (body instanceof RequestBody r) {
            r.release();
        } else if (body instanceof ResponseBody r) {
            r.release();
        }
    }
}
