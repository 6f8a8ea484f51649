package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.message.MessageBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FetchResponse#encodeZeroCopy} (the broker's Fetch path) lays out exactly what the normal encoding does:
 * both are compared with the spec's plain Fetch response vectors, byte for byte.
 */
class FetchZeroCopyTest {
    private final TrackingAllocator alloc = new TrackingAllocator();

    @ParameterizedTest
    @ValueSource(strings = {"fetch-response-1", "fetch-response-2", "fetch-response-3"})
    void zeroCopyFrameEqualsTheNormalEncodingAndTheVector(String vector) {
        byte[] expected = Vectors.bytes(vector);
        ByteBuf frame = Vectors.frame(vector);
        long requestId = ResponseCodec.decodeHeader(frame).requestId();
        try (DecodedResponse d = ResponseCodec.decode(frame, ApiKey.FETCH, 0, alloc)) {
            FetchResponse body = d.body(FetchResponse.class);
            MessageBlock block = body.messages();

            ByteBuf normal = ResponseCodec.encodeSuccess(alloc, requestId, body, 0);
            // The messages without the block's count field, in a buffer of their own, as a log read returns them.
            ByteBuf messages = alloc.buffer(block.sizeInBytes()).writeBytes(block.messagesSlice());
            ByteBuf zeroCopy = FetchResponse.encodeZeroCopy(alloc, requestId, body.highWaterMark(), block.count(),
                    messages);
            try {
                assertThat(ByteBufUtil.getBytes(zeroCopy)).as("zero-copy vs vector").isEqualTo(expected);
                assertThat(ByteBufUtil.getBytes(normal)).as("normal encoding vs vector").isEqualTo(expected);
                assertThat(zeroCopy.readableBytes())
                        .isEqualTo(FetchResponse.PLAIN_FRAME_OVERHEAD + block.sizeInBytes()
                                - MessageBlock.BLOCK_OVERHEAD)
                        .isEqualTo(FetchResponse.frameSize(block.sizeInBytes(), 0));
            } finally {
                zeroCopy.release();
                normal.release();
            }
        } finally {
            frame.release();
        }
        alloc.assertAllReleased();
    }

    @Test
    void refusedInputIsReleased() {
        ByteBuf messages = alloc.buffer(4).writeInt(7);
        assertThatThrownBy(() -> FetchResponse.encodeZeroCopy(alloc, 1, 0, -1, messages))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(messages.refCnt()).isZero();
        alloc.assertAllReleased();
    }

    @Test
    void emptyReadIsOneSmallBuffer() {
        ByteBuf zeroCopy = FetchResponse.encodeZeroCopy(alloc, 9, 5, 0, Unpooled.EMPTY_BUFFER);
        try {
            assertThat(zeroCopy.readableBytes()).isEqualTo(FetchResponse.PLAIN_FRAME_OVERHEAD);
            assertThat(zeroCopy.getInt(FetchResponse.PLAIN_FRAME_OVERHEAD - Frames.CRC_SIZE - 4)).isZero();
        } finally {
            zeroCopy.release();
        }
        alloc.assertAllReleased();
    }
}
