package io.streambus.protocol;

import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.core.DeleteTopicResponse;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.core.HealthCheckResponse;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.group.DeleteGroupsResponse;
import io.streambus.protocol.group.HeartbeatResponse;
import io.streambus.protocol.group.JoinGroupResponse;
import io.streambus.protocol.group.LeaveGroupResponse;
import io.streambus.protocol.group.ListGroupsResponse;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.group.SyncGroupResponse;
import io.streambus.protocol.security.SaslAuthenticateResponse;
import io.streambus.protocol.security.SaslHandshakeResponse;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareFetchResponse;
import io.streambus.protocol.share.ShareGroupConfigureResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import io.streambus.protocol.txn.AddOffsetsToTxnResponse;
import io.streambus.protocol.txn.AddPartitionsToTxnResponse;
import io.streambus.protocol.txn.EndTxnResponse;
import io.streambus.protocol.txn.EndXaBranchResponse;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.InitXaBranchResponse;
import io.streambus.protocol.txn.ListXaBranchesResponse;
import io.streambus.protocol.txn.PrepareTxnResponse;
import io.streambus.protocol.txn.TxnOffsetCommitResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes response frames and decodes response payloads (spec A.3.2, A.4, A.6, B.4-B.7, B.11-B.13). A response does
 * not name its type, so decoding needs the type and flags of the request it answers. Stateless and thread-safe.
 */
public final class ResponseCodec {
    /** Error messages longer than this many characters are cut, so an error reply always fits in a frame. */
    static final int MAX_ERROR_MESSAGE_CHARS = 64 * 1024;

    private ResponseCodec() {
    }

    /**
     * The complete success frame (status 0, code 0) for {@code body}. {@code requestFlags} are the flags of the
     * request answered; they choose the Fetch layouts (0x0002 compressed, 0x0040 LSO trailer). The body is not
     * released. Throws {@link MessageTooLargeException} if the frame would exceed {@link Frames#MAX_FRAME_SIZE}.
     */
    public static ByteBuf encodeSuccess(ByteBufAllocator alloc, long requestId, ResponseBody body, int requestFlags) {
        if (body instanceof ErrorResponse) {
            throw new IllegalArgumentException("use encodeError for error responses");
        }
        ByteBuf out = alloc.buffer(body instanceof FetchResponse f ? 64 + f.messages().sizeInBytes()
                : body instanceof ShareFetchResponse s ? 32 + s.sizeInBytes() : 128);
        try {
            out.writeInt(0).writeLong(requestId).writeByte(Frames.STATUS_OK).writeShort(ErrorCode.NONE);
            writePayload(out, body, requestFlags, alloc);
            return RequestCodec.finish(out);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** The complete error frame: status 1, {@code errorCode} (u16) and the message (A.4). */
    public static ByteBuf encodeError(ByteBufAllocator alloc, long requestId, int errorCode, String message) {
        Checks.u16("errorCode", errorCode);
        String m = Checks.str(message);
        if (m.length() > MAX_ERROR_MESSAGE_CHARS) {
            m = m.substring(0, MAX_ERROR_MESSAGE_CHARS) + "...";
        }
        ByteBuf out = alloc.buffer(64 + m.length());
        out.writeInt(0).writeLong(requestId).writeByte(Frames.STATUS_ERROR).writeShort(errorCode);
        Wire.string(out, m);
        return RequestCodec.finish(out);
    }

    private static void writePayload(ByteBuf out, ResponseBody body, int flags, ByteBufAllocator alloc) {
        switch (body.apiKey()) {
            case PRODUCE -> ((ProduceResponse) body).write(out);
            case FETCH -> ((FetchResponse) body).write(out, flags, alloc);
            case GET_OFFSET -> ((GetOffsetResponse) body).write(out);
            case CREATE_TOPIC -> ((CreateTopicResponse) body).write(out);
            case DELETE_TOPIC -> ((DeleteTopicResponse) body).write(out);
            case LIST_TOPICS -> ((ListTopicsResponse) body).write(out);
            case HEALTH_CHECK -> ((HealthCheckResponse) body).write(out);
            case JOIN_GROUP -> ((JoinGroupResponse) body).write(out);
            case SYNC_GROUP -> ((SyncGroupResponse) body).write(out);
            case HEARTBEAT, LEAVE_GROUP, ADD_OFFSETS_TO_TXN, END_TXN, PREPARE_TXN, END_XA_BRANCH -> {
            }
            case OFFSET_COMMIT -> ((OffsetCommitResponse) body).write(out);
            case OFFSET_FETCH -> ((OffsetFetchResponse) body).write(out);
            case INIT_PRODUCER_ID -> ((InitProducerIdResponse) body).write(out);
            case ADD_PARTITIONS_TO_TXN -> ((AddPartitionsToTxnResponse) body).write(out);
            case TXN_OFFSET_COMMIT -> ((TxnOffsetCommitResponse) body).write(out);
            case DELETE_GROUPS -> ((DeleteGroupsResponse) body).write(out);
            case LIST_GROUPS -> ((ListGroupsResponse) body).write(out);
            case SASL_HANDSHAKE -> ((SaslHandshakeResponse) body).write(out);
            case SASL_AUTHENTICATE -> ((SaslAuthenticateResponse) body).write(out);
            case API_VERSIONS -> ((ApiVersionsResponse) body).write(out);
            case SHARE_GROUP_HEARTBEAT -> ((ShareGroupHeartbeatResponse) body).write(out);
            case SHARE_FETCH -> ((ShareFetchResponse) body).write(out);
            case SHARE_ACKNOWLEDGE -> ((ShareAcknowledgeResponse) body).write(out);
            case SHARE_GROUP_CONFIGURE -> ((ShareGroupConfigureResponse) body).write(out);
            case INIT_XA_BRANCH -> ((InitXaBranchResponse) body).write(out);
            case LIST_XA_BRANCHES -> ((ListXaBranchesResponse) body).write(out);
        }
    }

    /** Reads the header of a frame (header + payload, no length, no CRC) without moving indexes. */
    public static ResponseHeader decodeHeader(ByteBuf frame) {
        if (frame.readableBytes() < Frames.RESPONSE_HEADER_SIZE) {
            throw new FrameTooSmallException(frame.readableBytes() + Frames.CRC_SIZE, Frames.MIN_RESPONSE_LENGTH);
        }
        int i = frame.readerIndex();
        return new ResponseHeader(frame.getLong(i), frame.getUnsignedByte(i + 8), frame.getUnsignedShort(i + 9));
    }

    /** As {@link #decode(ByteBuf, ApiKey, int, ByteBufAllocator)} with the frame's allocator. */
    public static DecodedResponse decode(ByteBuf frame, ApiKey requestType, int requestFlags) {
        return decode(frame, requestType, requestFlags, frame.alloc());
    }

    /**
     * Decodes a frame as {@link FrameDecoder} emits it (header + payload, no length, no CRC) without moving its
     * indexes or releasing it. Status 0 gives the success body of {@code requestType} (laid out per
     * {@code requestFlags}); any other status an {@link ErrorResponse} (a frame with no payload gives message "").
     * A Fetch or ShareFetch body holds retained slices of the frame (or a buffer from {@code alloc}): close the
     * result.
     *
     * <p>Errors: {@link MalformedPayloadException} for a payload that does not match the layout (a protocol
     * error: close the connection); {@link CorruptMessageException} for a compressed Fetch block that does not
     * decompress or parse (fail that Fetch only, B.11).
     */
    public static DecodedResponse decode(ByteBuf frame, ApiKey requestType, int requestFlags,
                                         ByteBufAllocator alloc) {
        ResponseHeader header = decodeHeader(frame);
        int start = frame.readerIndex() + Frames.RESPONSE_HEADER_SIZE;
        PayloadReader r = new PayloadReader(frame, start, frame.writerIndex(),
                Frames.LENGTH_FIELD_SIZE + Frames.RESPONSE_HEADER_SIZE, false);
        if (header.isError()) {
            return new DecodedResponse(header, new ErrorResponse(r.remaining() == 0 ? "" : r.string("error message")));
        }
        return new DecodedResponse(header, readPayload(requestType, r, requestFlags, alloc));
    }

    private static ResponseBody readPayload(ApiKey key, PayloadReader r, int flags, ByteBufAllocator alloc) {
        return switch (key) {
            case PRODUCE -> ProduceResponse.read(r);
            case FETCH -> FetchResponse.read(r, flags, alloc);
            case GET_OFFSET -> GetOffsetResponse.read(r);
            case CREATE_TOPIC -> CreateTopicResponse.read(r);
            case DELETE_TOPIC -> DeleteTopicResponse.read(r);
            case LIST_TOPICS -> ListTopicsResponse.read(r);
            case HEALTH_CHECK -> HealthCheckResponse.read(r);
            case JOIN_GROUP -> JoinGroupResponse.read(r);
            case SYNC_GROUP -> SyncGroupResponse.read(r);
            case HEARTBEAT -> HeartbeatResponse.INSTANCE;
            case LEAVE_GROUP -> LeaveGroupResponse.INSTANCE;
            case OFFSET_COMMIT -> OffsetCommitResponse.read(r);
            case OFFSET_FETCH -> OffsetFetchResponse.read(r);
            case INIT_PRODUCER_ID -> InitProducerIdResponse.read(r);
            case ADD_PARTITIONS_TO_TXN -> AddPartitionsToTxnResponse.read(r);
            case ADD_OFFSETS_TO_TXN -> AddOffsetsToTxnResponse.INSTANCE;
            case END_TXN -> EndTxnResponse.INSTANCE;
            case TXN_OFFSET_COMMIT -> TxnOffsetCommitResponse.read(r);
            case DELETE_GROUPS -> DeleteGroupsResponse.read(r);
            case LIST_GROUPS -> ListGroupsResponse.read(r);
            case SASL_HANDSHAKE -> SaslHandshakeResponse.read(r);
            case SASL_AUTHENTICATE -> SaslAuthenticateResponse.read(r);
            case API_VERSIONS -> ApiVersionsResponse.read(r);
            case SHARE_GROUP_HEARTBEAT -> ShareGroupHeartbeatResponse.read(r);
            case SHARE_FETCH -> ShareFetchResponse.read(r);
            case SHARE_ACKNOWLEDGE -> ShareAcknowledgeResponse.read(r);
            case SHARE_GROUP_CONFIGURE -> ShareGroupConfigureResponse.read(r);
            case INIT_XA_BRANCH -> InitXaBranchResponse.read(r);
            case PREPARE_TXN -> PrepareTxnResponse.INSTANCE;
            case END_XA_BRANCH -> EndXaBranchResponse.INSTANCE;
            case LIST_XA_BRANCHES -> ListXaBranchesResponse.read(r);
        };
    }
}
