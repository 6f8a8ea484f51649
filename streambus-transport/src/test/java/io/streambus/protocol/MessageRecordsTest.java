package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streambus.common.Header;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageRecords;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one A.5 record walk: complete, partial ({@code avail < hard}) and malformed input, and the block validation
 * that goes through it reporting the same field at the same place.
 */
class MessageRecordsTest {

    /** What a test's {@link MessageRecords.ErrorFactory} saw. */
    private record Seen(String field, int index, MessageRecords.Problem problem, long value, long available) {
    }

    private static final class Failure extends RuntimeException {
        final Seen seen;

        Failure(Seen seen) {
            super(seen.toString());
            this.seen = seen;
        }
    }

    private static final MessageRecords.ErrorFactory RECORD =
            (field, index, problem, value, available) -> new Failure(new Seen(field, index, problem, value, available));

    /** One message with key "k", value "vv" and one header ("h", "x"): 28 + 1 + 2 + 8 + 1 + 1 = 41 bytes. */
    private static MessageBlock oneMessage() {
        return Msg.block(UnpooledByteBufAllocator.DEFAULT, List.of(
                Msg.of(0, 0, "k", "vv", new Header("h", "x".getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void measuresACompleteMessageAndAsksForMoreWhileItIsCut() {
        MessageBlock block = oneMessage();
        try {
            ByteBuf b = block.messagesSlice();
            int full = b.readableBytes();
            assertThat(full).isEqualTo(41);
            assertThat(MessageRecords.measure(b, 0, full, full, RECORD)).isEqualTo(41);
            assertThat(MessageRecords.keyValueBytes(b, 0)).isEqualTo(3);
            for (int cut = 16; cut < full; cut++) {
                assertThat(MessageRecords.measure(b, 0, cut, full, RECORD)).as("avail %d", cut)
                        .isEqualTo(MessageRecords.NEED_MORE);
            }
        } finally {
            block.release();
        }
    }

    @Test
    void everyCutOfTheHardLimitIsAnErrorNamingAField() {
        MessageBlock block = oneMessage();
        try {
            ByteBuf b = block.messagesSlice();
            List<String> fields = new ArrayList<>();
            for (int cut = 0; cut < b.readableBytes(); cut++) {
                int c = cut;
                assertThatThrownBy(() -> MessageRecords.measure(b, 0, c, c, RECORD)).as("cut at %d", c)
                        .isInstanceOfSatisfying(Failure.class, f -> {
                            assertThat(f.seen.index()).isBetween(0, c);
                            assertThat(f.seen.available()).isNotNegative();
                            fields.add(f.seen.field());
                        });
            }
            // No cut reaches "header key length": the header count is refused first when 8 bytes per header do not fit.
            assertThat(fields).containsOnly("message offset", "message timestamp", "message key length",
                    "message value length", "message header count", "header value length");
        } finally {
            block.release();
        }
    }

    @Test
    void blockValidationReportsWhatTheWalkFinds() {
        MessageBlock block = oneMessage();
        ByteBuf bad = block.buffer().copy();
        block.release();
        try {
            bad.setInt(4 + 16, 1000); // key length past the end
            assertThatThrownBy(() -> MessageRecords.measure(bad, 4, bad.writerIndex(), bad.writerIndex(), RECORD))
                    .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.seen).isEqualTo(new Seen(
                            "message key length", 20, MessageRecords.Problem.LENGTH_EXCEEDS, 1000, 41 - 20)));
            assertThatThrownBy(() -> MessageBlock.wrap(bad)).isInstanceOfSatisfying(MalformedPayloadException.class,
                    e -> {
                        assertThat(e.field()).isEqualTo("message key length");
                        assertThat(e.offset()).isEqualTo(20);
                        assertThat(e.getMessage()).contains("length 1000 exceeds the 21 bytes left");
                    });
            bad.setInt(4 + 16, 1);
            bad.setInt(4 + 27, -1); // header count 2^32 - 1
            assertThatThrownBy(() -> MessageBlock.wrap(bad)).isInstanceOfSatisfying(MalformedPayloadException.class,
                    e -> {
                        assertThat(e.field()).isEqualTo("message header count");
                        assertThat(e.offset()).isEqualTo(31);
                        assertThat(e.getMessage()).contains("is 2^31 or more");
                    });
        } finally {
            bad.release();
        }
    }
}
