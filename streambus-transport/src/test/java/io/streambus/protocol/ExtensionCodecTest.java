package io.streambus.protocol;

import io.streambus.common.Header;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProducerSequence;
import io.streambus.protocol.message.CompressionCodec;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageCursor;
import io.streambus.protocol.share.AcknowledgeType;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.AcquiredRecord;
import io.streambus.protocol.share.ShareAcknowledgePartition;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareRecords;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.Xid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of the B.12, B.13 and B.7.8 layouts that the vectors do not show: flags per type, trailer checks,
 * acknowledgement ranges, xid bounds, and that nothing is sized by a peer's count beyond the bytes it sent.
 */
class ExtensionCodecTest {
    private static final int PAYLOAD_AT = 16;

    private final TrackingAllocator alloc = new TrackingAllocator();

    @AfterEach
    void noLeaks() {
        alloc.assertAllReleased();
    }

    private static ByteBuf content(int type, int flags, byte[] payload) {
        return Unpooled.buffer().writeLong(77).writeByte(type).writeByte(1).writeShort(flags).writeBytes(payload);
    }

    private static byte[] payload(Object... fields) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        for (Object f : fields) {
            if (f instanceof String s) {
                byte[] u = s.getBytes(StandardCharsets.UTF_8);
                b.putInt(u.length).put(u);
            } else if (f instanceof Integer i) {
                b.putInt(i);
            } else if (f instanceof Long l) {
                b.putLong(l);
            } else if (f instanceof Short s) {
                b.putShort(s);
            } else if (f instanceof Byte x) {
                b.put(x);
            } else if (f instanceof byte[] raw) {
                b.put(raw);
            }
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private void assertMalformed(ByteBuf content, String field, int offset, String message) {
        try {
            assertThatThrownBy(() -> RequestCodec.decode(content, alloc).close())
                    .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                        assertThat(e.field()).isEqualTo(field);
                        assertThat(e.offset()).isEqualTo(offset);
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    })
                    .hasMessageContaining(message);
        } finally {
            content.release();
        }
        assertThat(content.refCnt()).isZero();
    }

    private Object decodeBody(ByteBuf content) {
        try (DecodedRequest d = RequestCodec.decode(content, alloc)) {
            return VectorCases.comparable(d.body());
        } finally {
            content.release();
        }
    }

    /** Produce payload: "orders", partition 1, one message without key, value "v". */
    private static byte[] oneMessage() {
        return payload("orders", 1, 1, 0L, 0L, 0, "v", 0);
    }

    @Test
    void sequenceTrailerMustBeNonNegativeAndNameTheTransactionalProducer() {
        int trailerAt = PAYLOAD_AT + oneMessage().length;
        assertMalformed(content(1, 0x0080, payload(oneMessage(), -1L, (short) 0, 0)), "sequence producer id",
                trailerAt, "producer id -1 is negative");
        assertMalformed(content(1, 0x0080, payload(oneMessage(), 5L, (short) -2, 0)), "sequence producer epoch",
                trailerAt + 8, "producer epoch -2 is negative");
        assertMalformed(content(1, 0x0080, payload(oneMessage(), 5L, (short) 0, Integer.MIN_VALUE)), "base sequence",
                trailerAt + 10, "base sequence -2147483648 is negative");
        assertMalformed(content(1, 0x0080, payload(oneMessage(), 5L, (short) 0)), "base sequence", trailerAt + 10,
                "needs 4 bytes");
        // 0x0020 + 0x0080: the transactional trailer first, then the sequence trailer, same producer.
        assertMalformed(content(1, 0x00a0, payload(oneMessage(), 5L, (short) 0, 6L, (short) 0, 0)),
                "sequence producer id", trailerAt + 10, "transactional trailer producer 5");
        assertMalformed(content(1, 0x00a0, payload(oneMessage(), 5L, (short) 0, 5L, (short) 1, 0)),
                "sequence producer id", trailerAt + 10, "epoch 1");
        assertThat(decodeBody(content(1, 0x00a0, payload(oneMessage(), 5L, (short) 3, 5L, (short) 3, 9))))
                .isEqualTo(List.of("orders", 1, List.of(Msg.of(0, 0, null, "v")), CompressionCodec.NONE,
                        "ProducerIdAndEpoch[producerId=5, producerEpoch=3]",
                        "ProducerSequence[producerId=5, producerEpoch=3, baseSequence=9]"));
        // Without the flag the same bytes are an ordinary Produce whose trailing bytes are ignored (A.6).
        assertThat(decodeBody(content(1, 0, payload(oneMessage(), 5L, (short) 3, 9))))
                .isEqualTo(List.of("orders", 1, List.of(Msg.of(0, 0, null, "v")), CompressionCodec.NONE, "null",
                        "null"));
    }

    @Test
    void encodersRefuseTrailersThatDecodersReject() {
        MessageBlock block = Msg.block(alloc, List.of(Msg.of(0, 0, null, "v")));
        try {
            assertThatThrownBy(() -> new ProducerSequence(-1, (short) 0, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new ProduceRequest("orders", 0, block, CompressionCodec.NONE,
                    new ProducerIdAndEpoch(5, (short) 0), new ProducerSequence(6, (short) 0, 0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different producers");
            assertThat(new ProduceRequest("orders", 0, block, CompressionCodec.NONE, null,
                    new ProducerSequence(6, (short) 0, 0)).requiredFlags()).isEqualTo(Frames.FLAG_SEQUENCED);
            assertThatThrownBy(() -> RequestCodec.encode(alloc, 1, Frames.FLAG_SEQUENCED,
                    new ProduceRequest("orders", 0, block)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x0080");
        } finally {
            block.release();
        }
    }

    @Test
    void extensionFlagsOnTheNewTypes() {
        // 0x0080 only on Produce; 0x0020 on ShareAcknowledge but not on ShareFetch or another share type.
        int[][] bad = {{2, 0x0080}, {3, 0x0080}, {0x16, 0x0020}, {0x15, 0x0020}, {0x17, 0x0080}, {0x17, 0x0002},
                {0x19, 0x0020}, {0x1B, 0x0001 | 0x0040}};
        for (int[] b : bad) {
            ByteBuf c = content(b[0], b[1], new byte[64]);
            assertThatThrownBy(() -> RequestCodec.decode(c, alloc))
                    .as("type 0x%02x flags 0x%04x", b[0], b[1])
                    .isInstanceOfSatisfying(MalformedPayloadException.class,
                            e -> assertThat(e.field()).isEqualTo("flags"));
            c.release();
        }
    }

    private static byte[] ack(long first, long last, int type) {
        return payload(first, last, (byte) type);
    }

    /** A ShareAcknowledge payload: group "q", member "m", topic "orders", partition 0 with the given ranges. */
    private static byte[] shareAck(byte[]... acks) {
        return payload("q", "m", 1, "orders", 1, 0, acks.length, payload((Object[]) acks));
    }

    @Test
    void acknowledgementRangesAreCheckedAndKeptAsRanges() {
        int firstAckAt = PAYLOAD_AT + 5 + 5 + 4 + 10 + 4 + 4 + 4;
        assertMalformed(content(0x17, 0, shareAck(ack(-1, 3, 1))), "acknowledgement first offset", firstAckAt,
                "first offset -1 is negative");
        assertMalformed(content(0x17, 0, shareAck(ack(5, 4, 1))), "acknowledgement last offset", firstAckAt + 8,
                "last offset 4 is below first offset 5");
        for (int type : new int[] {0, 6, 255}) {
            assertMalformed(content(0x17, 0, shareAck(ack(5, 5, type))), "acknowledgement type", firstAckAt + 16,
                    "acknowledgement type " + type + " is not 1 to 5");
        }
        assertMalformed(content(0x17, 0, shareAck(ack(10, 20, 1), ack(0, 5, 2), ack(20, 30, 3))),
                "acknowledgement first offset", firstAckAt + 34, "range 20-30 overlaps");
        // Transactional: only ACCEPT, RELEASE, REJECT; the trailer must be there and non-negative.
        assertMalformed(content(0x17, 0x0020, payload(shareAck(ack(5, 5, 4)), 1L, (short) 0)),
                "acknowledgement type", firstAckAt + 16, "is not 1 to 3");
        int trailerAt = firstAckAt + Acknowledgement.SIZE;
        assertMalformed(content(0x17, 0x0020, payload(shareAck(ack(5, 5, 1)), -3L, (short) 0)), "producer id",
                trailerAt, "producer id -3 is negative");
        assertMalformed(content(0x17, 0x0020, payload(shareAck(ack(5, 5, 1)), 3L)), "producer epoch",
                trailerAt + 8, "needs 2 bytes");
        // The widest range decodes to one record, not to 2^63 offsets.
        Object body = decodeBody(content(0x17, 0, shareAck(ack(0, Long.MAX_VALUE, 1))));
        assertThat(((ShareAcknowledgeRequest) body).partitions().topics().get(0).partitions().get(0)
                .acknowledgements()).containsExactly(new Acknowledgement(0, Long.MAX_VALUE, AcknowledgeType.ACCEPT));
    }

    @Test
    void countsAreCheckedAgainstTheBytesLeftBeforeAnythingIsAllocated() {
        int ackCountAt = PAYLOAD_AT + 5 + 5 + 4 + 10 + 4 + 4;
        assertMalformed(content(0x17, 0, payload("q", "m", 1, "orders", 1, 0, 0x7FFFFFFF, new byte[30])),
                "acknowledgement count", ackCountAt, "count 2147483647 cannot fit in the 30 bytes left");
        // 2 acknowledgements need 34 bytes.
        assertMalformed(content(0x17, 0, payload("q", "m", 1, "orders", 1, 0, 2, new byte[33])),
                "acknowledgement count", ackCountAt, "count 2 cannot fit in the 33 bytes left");
        // ShareFetch reply: record count and unapplied count.
        ByteBuf records = Unpooled.buffer().writeLong(5).writeByte(0).writeShort(0).writeInt(30000)
                .writeBytes(payload(1, "orders", 1, 0, (short) 0, (short) 0, 0, (byte) 0, 1_000_000, new byte[40]));
        assertThatThrownBy(() -> ResponseCodec.decode(records, ApiKey.SHARE_FETCH, 0, alloc))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> assertThat(e.field())
                        .isEqualTo("record count"))
                .hasMessageContaining("count 1000000 cannot fit in the 40 bytes left");
        records.release();
        ByteBuf unapplied = Unpooled.buffer().writeLong(5).writeByte(0).writeShort(0).writeInt(30000)
                .writeBytes(payload(1, "orders", 1, 0, (short) 52, 2, new byte[31]));
        assertThatThrownBy(() -> ResponseCodec.decode(unapplied, ApiKey.SHARE_ACKNOWLEDGE, 0, alloc))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("count 2 cannot fit in the 31 bytes left");
        unapplied.release();
        // ListXaBranches: a branch takes at least 47 bytes.
        ByteBuf branches = Unpooled.buffer().writeLong(5).writeByte(0).writeShort(0).writeInt(1).writeZero(46);
        assertThatThrownBy(() -> ResponseCodec.decode(branches, ApiKey.LIST_XA_BRANCHES, 0, alloc))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("count 1 cannot fit");
        branches.release();
    }

    @Test
    void aShareFetchReplyCutInsideALaterPartitionReleasesTheRecordsOfTheEarlierOnes() {
        byte[] content = io.netty.buffer.ByteBufUtil.getBytes(Vectors.frame("ext-sharefetch-response-1"));
        // Cut inside partition 1 (frame offset 220 = its error code), after partition 0 and its 2 records.
        ByteBuf cut = Unpooled.wrappedBuffer(content, 0, 220 - 4 + 1);
        assertThatThrownBy(() -> ResponseCodec.decode(cut, ApiKey.SHARE_FETCH, 0, alloc))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.field()).isEqualTo("error code");
                    assertThat(e.offset()).isEqualTo(220);
                });
        assertThat(cut.refCnt()).as("no slice of the frame is left retained").isEqualTo(1);
        cut.release();
    }

    @Test
    void xidFieldsAreBoundedBeforeTheyAreCopied() {
        int xidAt = PAYLOAD_AT + 4 + 1;
        byte[] gtrid65 = new byte[65];
        assertMalformed(content(0x1B, 0, payload("t", -1, "g", "b", (byte) 1, (byte) 0)), "xid format id", xidAt,
                "format id -1 is the null XID");
        assertMalformed(content(0x1B, 0, payload("t", 7, 65, gtrid65, "b", (byte) 1, (byte) 0)),
                "xid global transaction id", xidAt + 4, "length 65 is not 1 to 64");
        assertMalformed(content(0x1B, 0, payload("t", 7, "", "b", (byte) 1, (byte) 0)), "xid global transaction id",
                xidAt + 4, "length 0 is not 1 to 64");
        assertMalformed(content(0x19, 0, payload("t", 7, "g", 65, gtrid65, 0)), "xid branch qualifier", xidAt + 9,
                "length 65 is not 0 to 64");
        // EndXaBranch: action 1 to 3, heuristic only with commit or rollback.
        int actionAt = xidAt + 4 + 5 + 5;
        assertMalformed(content(0x1B, 0, payload("t", 7, "g", "b", (byte) 4, (byte) 0)), "action", actionAt,
                "action 4 is not 1 to 3");
        assertMalformed(content(0x1B, 0, payload("t", 7, "g", "b", (byte) 3, (byte) 1)), "heuristic",
                actionAt + 1, "only allowed with commit or rollback");
        assertThat(decodeBody(content(0x1B, 0, payload("t", 7, "g", "", (byte) 2, (byte) 1))))
                .isEqualTo(new EndXaBranchRequest("t", new Xid(7, new byte[] {'g'}, new byte[0]),
                        XaAction.ROLLBACK, true));
        assertThatThrownBy(() -> new EndXaBranchRequest("t", VectorCases.XID_42, XaAction.FORGET, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Xid(-1, new byte[1], null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theXaTransactionIdFollowsB781() {
        assertThat(VectorCases.XID_42.transactionId("jms.app1")).isEqualTo(VectorCases.TXN_42);
        assertThat(new Xid(-2, new byte[] {0, (byte) 0xff}, new byte[0]).transactionId("p"))
                .isEqualTo("p:xa:fffffffe:00ff:");
        // Xids compare by content, and hand out copies.
        Xid x = new Xid(1, new byte[] {1}, new byte[] {2});
        x.globalTransactionId()[0] = 9;
        assertThat(x).isEqualTo(new Xid(1, new byte[] {1}, new byte[] {2})).hasSameHashCodeAs(
                new Xid(1, new byte[] {1}, new byte[] {2}));
    }

    @Test
    void shareRecordsBuiltFromACursorKeepTheMessageBytes() {
        MessageBlock block = Msg.block(alloc, List.of(Msg.of(7, 70, "k", "v", Header.of("h", "x")),
                Msg.of(8, 80, null, "w")));
        ShareRecords records;
        try (ShareRecords.Builder b = new ShareRecords.Builder(alloc, 16)) {
            MessageCursor c = block.cursor();
            int dc = 1;
            while (c.next()) {
                b.append(dc++, c);
            }
            records = b.finish();
        } finally {
            block.release();
        }
        try {
            assertThat(records.count()).isEqualTo(2);
            assertThat(VectorCases.records(records)).containsExactly(
                    List.of(1, Msg.of(7, 70, "k", "v", Header.of("h", "x"))), List.of(2, Msg.of(8, 80, null, "w")));
            List<AcquiredRecord> list = records.toRecords();
            assertThat(list.get(1).message().keyBytes()).isNull();
            list.forEach(AcquiredRecord::release);
            MessageCursor c = records.cursor(); // what the share consumer reads: no object per record
            assertThat(c.next()).isTrue();
            assertThat(List.of(ShareRecords.deliveryCount(c), c.offset(), c.timestampNanos(),
                    new String(c.keyBytes(), StandardCharsets.UTF_8), new String(c.valueBytes(),
                            StandardCharsets.UTF_8), c.headers())).containsExactly(1, 7L, 70L, "k", "v",
                    List.of(Header.of("h", "x")));
            assertThat(c.next()).isTrue();
            assertThat(List.of(ShareRecords.deliveryCount(c), c.offset(), c.keyLength(), c.headerCount()))
                    .containsExactly(2, 8L, 0, 0);
            assertThat(c.next()).isFalse();
        } finally {
            records.release();
        }
    }

    @Test
    void entryConstructorsRefuseWhatDecodersReject() {
        assertThatThrownBy(() -> new Acknowledgement(3, 2, AcknowledgeType.ACCEPT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ShareFetchPartition(0, 1, 1, List.of(
                new Acknowledgement(1, 5, AcknowledgeType.ACCEPT), new Acknowledgement(5, 6, AcknowledgeType.RENEW))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlapping");
        assertThatThrownBy(() -> new ShareAcknowledgeRequest("q", "m", TopicPartitions.of("t", List.of(
                new ShareAcknowledgePartition(0, List.of(new Acknowledgement(1, 1, AcknowledgeType.RETURN))))),
                new ProducerIdAndEpoch(1, (short) 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ACCEPT, RELEASE or REJECT");
        assertThat(new ShareFetchRequest("q", "m", 0, "", null).partitions().isEmpty()).isTrue();
    }
}
