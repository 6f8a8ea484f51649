package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageScannerTest {
    private static final Msg SAMPLE = new Msg(1, 2, Msg.bytes("key"), Msg.bytes("value!"),
            List.of(Map.entry("h", Msg.bytes("x")), Map.entry("hh", new byte[0])));

    @Test
    void measuresTheEncodedSize() {
        ByteBuf b = Msg.encode(List.of(SAMPLE, Msg.sized(0, 0)));
        try {
            int size = MessageScanner.measure(b, 0, b.writerIndex(), b.writerIndex(), 0);
            assertThat(size).isEqualTo(28 + 3 + 6 + (8 + 1 + 1) + (8 + 2)).isEqualTo(SAMPLE.encodedSize());
            assertThat(MessageScanner.keyValueBytes(b, 0)).isEqualTo(9);
            assertThat(MessageScanner.measure(b, size, b.writerIndex(), b.writerIndex(), 0)).isEqualTo(28);
        } finally {
            b.release();
        }
    }

    @Test
    void everyTruncationIsATypedErrorOrNeedMore() {
        ByteBuf b = Msg.encode(List.of(SAMPLE));
        try {
            int full = b.writerIndex();
            for (int cut = 0; cut < full; cut++) {
                int c = cut;
                assertThatThrownBy(() -> MessageScanner.measure(b, 0, c, c, 0)).as("cut at %d", c)
                        .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                            assertThat(e.byteOffset()).isBetween(0L, (long) c);
                            assertThat(e.field()).isNotBlank();
                        });
                assertThat(MessageScanner.measure(b, 0, cut, full, 0)).as("partial %d", cut)
                        .isEqualTo(MessageScanner.NEED_MORE);
            }
        } finally {
            b.release();
        }
    }

    @Test
    void hugeLengthsAndCountsAreRefusedWithoutLooping() {
        ByteBuf b = Msg.encode(List.of(SAMPLE));
        try {
            int full = b.writerIndex();
            b.setInt(16, -1);
            assertThatThrownBy(() -> MessageScanner.measure(b, 0, full, full, 0))
                    .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                        assertThat(e.field()).isEqualTo("key length");
                        assertThat(e.byteOffset()).isEqualTo(16);
                        assertThat(e.getMessage()).contains("4294967295");
                    });
            b.setInt(16, 3);
            b.setInt(23, 7); // value length one too long
            assertThatThrownBy(() -> MessageScanner.measure(b, 0, full, full, 0))
                    .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                        assertThat(e.field()).isEqualTo("header count");
                        assertThat(e.byteOffset()).isEqualTo(34);
                    });
            b.setInt(23, 6);
            b.setInt(33, Integer.MAX_VALUE);
            assertThatThrownBy(() -> MessageScanner.measure(b, 0, full, full, 0))
                    .isInstanceOfSatisfying(InvalidRecordException.class,
                            e -> assertThat(e.field()).isEqualTo("header count"));
            b.setInt(33, 2);
            b.setInt(37, 100); // first header key length
            assertThatThrownBy(() -> MessageScanner.measure(b, 0, full, full, 0))
                    .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                        assertThat(e.field()).isEqualTo("header key length");
                        assertThat(e.byteOffset()).isEqualTo(37);
                    });
            b.setInt(37, 1);
            assertThat(MessageScanner.measure(b, 0, full, full, 0)).isEqualTo(full);
            assertThat(MessageScanner.measure(b, 0, full, full, 10)).isEqualTo(full);
        } finally {
            b.release();
        }
    }
}
