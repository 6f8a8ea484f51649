package io.streambus.protocol;

import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.DeleteTopicRequest;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.group.DeleteGroupsRequest;
import io.streambus.protocol.group.HeartbeatRequest;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.protocol.group.LeaveGroupRequest;
import io.streambus.protocol.group.ListGroupsRequest;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.SyncGroupRequest;
import io.streambus.protocol.message.MessageTooLargeException;
import io.streambus.protocol.security.SaslAuthenticateRequest;
import io.streambus.protocol.security.SaslHandshakeRequest;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.txn.AddOffsetsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import io.streambus.protocol.txn.EndTxnRequest;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitXaBranchRequest;
import io.streambus.protocol.txn.ListXaBranchesRequest;
import io.streambus.protocol.txn.PrepareTxnRequest;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes request frames and decodes request payloads (spec A.3.1, A.6, B.4-B.7, B.11-B.13). Stateless and
 * thread-safe.
 */
public final class RequestCodec {
    /** The protocol version clients send (A.3.5). */
    public static final int VERSION = 1;

    private RequestCodec() {
    }

    /**
     * The complete frame (length, header, payload, CRC) for {@code body} with version 1. The frame flags are
     * {@code flags | body.requiredFlags()}; giving an extension flag (0x0002, 0x0020, 0x0040, 0x0080) that the body does
     * not carry is an {@link IllegalArgumentException}. The body is not released. Throws
     * {@link MessageTooLargeException} if the frame would exceed {@link Frames#MAX_FRAME_SIZE}.
     */
    public static ByteBuf encode(ByteBufAllocator alloc, long requestId, int flags, RequestBody body) {
        return encode(alloc, requestId, VERSION, flags, body);
    }

    /** As {@link #encode(ByteBufAllocator, long, int, RequestBody)} with an explicit version byte. */
    public static ByteBuf encode(ByteBufAllocator alloc, long requestId, int version, int flags, RequestBody body) {
        Checks.u8("version", version);
        Checks.u16("flags", flags);
        int required = body.requiredFlags();
        if ((flags & Frames.EXTENSION_FLAGS & ~required) != 0) {
            throw new IllegalArgumentException(String.format(
                    "flags 0x%04x name a trailer or layout the %s body does not carry", flags, body.apiKey()));
        }
        ByteBuf out = alloc.buffer(estimate(body));
        try {
            out.writeInt(0).writeLong(requestId).writeByte(body.apiKey().code()).writeByte(version)
                    .writeShort(flags | required);
            writePayload(out, body, alloc);
            return finish(out);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static int estimate(RequestBody body) {
        if (body instanceof ProduceRequest p) {
            return 64 + 3 * p.topic().length() + p.messages().sizeInBytes();
        }
        return 128;
    }

    private static void writePayload(ByteBuf out, RequestBody body, ByteBufAllocator alloc) {
        switch (body.apiKey()) {
            case PRODUCE -> ((ProduceRequest) body).write(out, alloc);
            case FETCH -> ((FetchRequest) body).write(out);
            case GET_OFFSET -> ((GetOffsetRequest) body).write(out);
            case CREATE_TOPIC -> ((CreateTopicRequest) body).write(out);
            case DELETE_TOPIC -> ((DeleteTopicRequest) body).write(out);
            case LIST_TOPICS, HEALTH_CHECK -> {
            }
            case JOIN_GROUP -> ((JoinGroupRequest) body).write(out);
            case SYNC_GROUP -> ((SyncGroupRequest) body).write(out);
            case HEARTBEAT -> ((HeartbeatRequest) body).write(out);
            case LEAVE_GROUP -> ((LeaveGroupRequest) body).write(out);
            case OFFSET_COMMIT -> ((OffsetCommitRequest) body).write(out);
            case OFFSET_FETCH -> ((OffsetFetchRequest) body).write(out);
            case INIT_PRODUCER_ID -> ((InitProducerIdRequest) body).write(out);
            case ADD_PARTITIONS_TO_TXN -> ((AddPartitionsToTxnRequest) body).write(out);
            case ADD_OFFSETS_TO_TXN -> ((AddOffsetsToTxnRequest) body).write(out);
            case END_TXN -> ((EndTxnRequest) body).write(out);
            case TXN_OFFSET_COMMIT -> ((TxnOffsetCommitRequest) body).write(out);
            case DELETE_GROUPS -> ((DeleteGroupsRequest) body).write(out);
            case LIST_GROUPS -> ((ListGroupsRequest) body).write(out);
            case SASL_HANDSHAKE -> ((SaslHandshakeRequest) body).write(out);
            case SASL_AUTHENTICATE -> ((SaslAuthenticateRequest) body).write(out);
            case API_VERSIONS -> ((ApiVersionsRequest) body).write(out);
            case SHARE_GROUP_HEARTBEAT -> ((ShareGroupHeartbeatRequest) body).write(out);
            case SHARE_FETCH -> ((ShareFetchRequest) body).write(out);
            case SHARE_ACKNOWLEDGE -> ((ShareAcknowledgeRequest) body).write(out);
            case SHARE_GROUP_CONFIGURE -> ((ShareGroupConfigureRequest) body).write(out);
            case INIT_XA_BRANCH -> ((InitXaBranchRequest) body).write(out);
            case PREPARE_TXN -> ((PrepareTxnRequest) body).write(out);
            case END_XA_BRANCH -> ((EndXaBranchRequest) body).write(out);
            case LIST_XA_BRANCHES -> ((ListXaBranchesRequest) body).write(out);
        }
    }

    /** Writes CRC and length into a buffer holding [length placeholder, header, payload] from index 0. */
    static ByteBuf finish(ByteBuf out) {
        int total = out.writerIndex() + Frames.CRC_SIZE;
        if (total > Frames.MAX_FRAME_SIZE) {
            throw new MessageTooLargeException("frame", total, Frames.MAX_FRAME_SIZE);
        }
        int contentLength = out.writerIndex() - Frames.LENGTH_FIELD_SIZE;
        out.writeInt(Frames.crc32(out, Frames.LENGTH_FIELD_SIZE, contentLength));
        out.setInt(0, total - Frames.LENGTH_FIELD_SIZE);
        return out;
    }

    /**
     * Reads the header of a frame as {@link FrameDecoder} emits it (header + payload, no length, no CRC), without
     * moving indexes. Lets a broker check type, version and flags before decoding the payload (B.2).
     */
    public static RequestHeader decodeHeader(ByteBuf frame) {
        if (frame.readableBytes() < Frames.REQUEST_HEADER_SIZE) {
            throw new FrameTooSmallException(frame.readableBytes() + Frames.CRC_SIZE, Frames.MIN_REQUEST_LENGTH);
        }
        int i = frame.readerIndex();
        return new RequestHeader(frame.getLong(i), frame.getUnsignedByte(i + 8), frame.getUnsignedByte(i + 9),
                frame.getUnsignedShort(i + 10));
    }

    /** As {@link #decode(ByteBuf, ByteBufAllocator)} with the frame's allocator for decompression. */
    public static DecodedRequest decode(ByteBuf frame) {
        return decode(frame, frame.alloc());
    }

    /**
     * Decodes a frame as {@link FrameDecoder} emits it (header + payload, no length, no CRC) without moving its
     * indexes or releasing it. A Produce body holds a retained slice of the frame (or a decompressed buffer from
     * {@code alloc}); close the result when done. Bytes after the last known field are ignored (A.6).
     *
     * <p>Errors, each carrying the header ({@link ProtocolException#requestHeader()}):
     * {@link UnknownRequestTypeException} (code 1); {@link MalformedPayloadException} (code 2) for a bad payload,
     * a 0-message Produce, or an extension flag on a type that has none (B.2) or a non-zero flag other than
     * 0x0001 on a Part B type (except ApiVersions, and 0x0020 on ShareAcknowledge, B.13.15);
     * {@link CorruptMessageException} (code 4) and
     * {@link MessageTooLargeException} (code 12) for compressed Produce blocks (B.11).
     */
    public static DecodedRequest decode(ByteBuf frame, ByteBufAllocator alloc) {
        RequestHeader header = decodeHeader(frame);
        ApiKey key = header.apiKey();
        if (key == null) {
            throw new UnknownRequestTypeException(header);
        }
        int start = frame.readerIndex() + Frames.REQUEST_HEADER_SIZE;
        PayloadReader r = new PayloadReader(frame, start, frame.writerIndex(),
                Frames.LENGTH_FIELD_SIZE + Frames.REQUEST_HEADER_SIZE, false);
        try {
            checkFlags(key, header.flags());
            return new DecodedRequest(header, readPayload(key, r, header.flags(), alloc));
        } catch (ProtocolException e) {
            throw e.withRequestHeader(header);
        }
    }

    private static void checkFlags(ApiKey key, int flags) {
        if (key == ApiKey.API_VERSIONS) {
            return;
        }
        int allowed;
        if (key.isExtension()) {
            allowed = Frames.FLAG_REQUIRE_ACK;
            if (key == ApiKey.SHARE_ACKNOWLEDGE) {
                allowed |= Frames.FLAG_TRANSACTIONAL;
            }
        } else {
            allowed = ~Frames.EXTENSION_FLAGS;
            if (key == ApiKey.PRODUCE) {
                allowed |= Frames.FLAG_COMPRESSED | Frames.FLAG_TRANSACTIONAL | Frames.FLAG_SEQUENCED;
            } else if (key == ApiKey.FETCH) {
                allowed |= Frames.FLAG_COMPRESSED | Frames.FLAG_READ_COMMITTED;
            }
        }
        if ((flags & ~allowed) != 0) {
            throw new MalformedPayloadException("flags", 14,
                    String.format("flags 0x%04x not allowed on %s", flags & ~allowed, key));
        }
    }

    private static RequestBody readPayload(ApiKey key, PayloadReader r, int flags, ByteBufAllocator alloc) {
        return switch (key) {
            case PRODUCE -> ProduceRequest.read(r, flags, alloc);
            case FETCH -> FetchRequest.read(r, flags);
            case GET_OFFSET -> GetOffsetRequest.read(r);
            case CREATE_TOPIC -> CreateTopicRequest.read(r);
            case DELETE_TOPIC -> DeleteTopicRequest.read(r);
            case LIST_TOPICS -> ListTopicsRequest.INSTANCE;
            case HEALTH_CHECK -> HealthCheckRequest.INSTANCE;
            case JOIN_GROUP -> JoinGroupRequest.read(r);
            case SYNC_GROUP -> SyncGroupRequest.read(r);
            case HEARTBEAT -> HeartbeatRequest.read(r);
            case LEAVE_GROUP -> LeaveGroupRequest.read(r);
            case OFFSET_COMMIT -> OffsetCommitRequest.read(r);
            case OFFSET_FETCH -> OffsetFetchRequest.read(r);
            case INIT_PRODUCER_ID -> InitProducerIdRequest.read(r);
            case ADD_PARTITIONS_TO_TXN -> AddPartitionsToTxnRequest.read(r);
            case ADD_OFFSETS_TO_TXN -> AddOffsetsToTxnRequest.read(r);
            case END_TXN -> EndTxnRequest.read(r);
            case TXN_OFFSET_COMMIT -> TxnOffsetCommitRequest.read(r);
            case DELETE_GROUPS -> DeleteGroupsRequest.read(r);
            case LIST_GROUPS -> ListGroupsRequest.read(r);
            case SASL_HANDSHAKE -> SaslHandshakeRequest.read(r);
            case SASL_AUTHENTICATE -> SaslAuthenticateRequest.read(r);
            case API_VERSIONS -> ApiVersionsRequest.read(r);
            case SHARE_GROUP_HEARTBEAT -> ShareGroupHeartbeatRequest.read(r);
            case SHARE_FETCH -> ShareFetchRequest.read(r);
            case SHARE_ACKNOWLEDGE -> ShareAcknowledgeRequest.read(r, flags);
            case SHARE_GROUP_CONFIGURE -> ShareGroupConfigureRequest.read(r);
            case INIT_XA_BRANCH -> InitXaBranchRequest.read(r);
            case PREPARE_TXN -> PrepareTxnRequest.read(r);
            case END_XA_BRANCH -> EndXaBranchRequest.read(r);
            case LIST_XA_BRANCHES -> ListXaBranchesRequest.read(r);
        };
    }
}
