package io.streambus.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.streambus.protocol.MalformedPayloadException;
import io.streambus.protocol.message.MessageBlock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {
    private static final int BIG = 10 * 1024 * 1024;

    @TempDir
    Path dir;

    private LogManager manager;

    @AfterEach
    void closeManager() {
        if (manager != null) {
            manager.close();
        }
    }

    private PartitionLog open(LogConfig config) {
        manager = LogManager.open(dir, config);
        manager.createTopic("t", 1);
        return manager.partition("t", 0);
    }

    private static List<Msg> values(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> Msg.of("k" + i, prefix + i)).collect(Collectors.toList());
    }

    @Test
    void appendsGetConsecutiveOffsetsAndReadBackWithHeadersAndTimestamps() {
        PartitionLog log = open(LogConfig.defaults());
        Msg withHeaders = new Msg(77, -5, Msg.bytes("key"), Msg.bytes("value"),
                List.of(Map.entry("h1", Msg.bytes("v1")), Map.entry("h2", new byte[0]), Map.entry("h1", new byte[3])));
        Msg empty = new Msg(0, 0, new byte[0], new byte[0], List.of());

        AppendResult r1 = Msg.append(log, List.of(withHeaders));
        AppendResult r2 = Msg.append(log, List.of(empty, Msg.of("a", "b"), Msg.of("", "only value")));
        AppendResult r3 = Msg.append(log, values("x", 5));

        assertThat(r1).isEqualTo(new AppendResult(0, 1, 1));
        assertThat(r2).isEqualTo(new AppendResult(1, 3, 4));
        assertThat(r3).isEqualTo(new AppendResult(4, 5, 9));
        assertThat(log.startOffset()).isZero();
        assertThat(log.endOffset()).isEqualTo(9);

        List<Msg> all = Msg.read(log, 0, BIG, BIG);
        assertThat(all).extracting(Msg::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(all.get(0).sameContent(withHeaders)).isTrue();
        assertThat(all.get(0).timestamp()).isEqualTo(-5);
        assertThat(all.get(0).headers()).extracting(Map.Entry::getKey).containsExactly("h1", "h2", "h1");
        assertThat(all.get(1).sameContent(empty)).isTrue();
        assertThat(all.get(3).valueString()).isEqualTo("only value");
        assertThat(all.subList(4, 9)).extracting(Msg::valueString).containsExactly("x0", "x1", "x2", "x3", "x4");
        try (ReadResult r = log.read(0, BIG, BIG)) {
            assertThat(r.count()).isEqualTo(9);
            assertThat(r.firstOffset()).isZero();
            assertThat(r.lastOffset()).isEqualTo(8);
            assertThat(r.highWaterMark()).isEqualTo(9);
        }
    }

    @Test
    void appendLeavesTheCallersBufferUntouched() {
        PartitionLog log = open(LogConfig.defaults());
        Msg.append(log, values("a", 3));
        MessageBlock block = Msg.block(List.of(Msg.of("k", "v").withOffset(999),
                Msg.of("k2", "v2").withOffset(-1)));
        ByteBuf in = block.buffer();
        try {
            byte[] before = ByteBufUtil.getBytes(in);
            int reader = in.readerIndex();
            AppendResult r = log.append(block);
            assertThat(r.baseOffset()).isEqualTo(3);
            assertThat(ByteBufUtil.getBytes(in)).isEqualTo(before);
            assertThat(in.readerIndex()).isEqualTo(reader);
            assertThat(in.refCnt()).isEqualTo(1);
        } finally {
            in.release();
        }
        assertThat(Msg.read(log, 3, BIG, BIG)).extracting(Msg::offset).containsExactly(3L, 4L);
    }

    @Test
    void maxBytesFollowsTheReferenceRules() {
        PartitionLog log = open(LogConfig.defaults());
        // key+value bytes: 10, 10, 10, 100, 10
        Msg.append(log, List.of(Msg.sized(4, 6), Msg.sized(0, 10), Msg.sized(10, 0)));
        Msg.append(log, List.of(Msg.sized(50, 50), Msg.sized(5, 5)));

        assertThat(Msg.read(log, 0, 0, BIG)).as("0 returns nothing, ever").isEmpty();
        assertThat(Msg.read(log, 0, 1, BIG)).as("1 returns one").hasSize(1);
        assertThat(Msg.read(log, 0, 10, BIG)).as("compared before adding: 10 >= 10 stops").hasSize(1);
        assertThat(Msg.read(log, 0, 11, BIG)).hasSize(2);
        assertThat(Msg.read(log, 0, 21, BIG)).as("the third overshoots").hasSize(3);
        assertThat(Msg.read(log, 2, 11, BIG)).as("the 100-byte one overshoots").extracting(Msg::offset)
                .containsExactly(2L, 3L);
        assertThat(Msg.read(log, 3, 1, BIG)).as("one larger than max bytes").extracting(Msg::offset)
                .containsExactly(3L);
        assertThat(Msg.read(log, 0, 1000, BIG)).hasSize(5);
        assertThat(Msg.read(log, 0, -1, BIG)).as("max bytes is unsigned").hasSize(5);
    }

    @Test
    void messagesWithEmptyKeyAndValueDoNotCount() {
        PartitionLog log = open(LogConfig.defaults());
        List<Msg> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(Msg.sized(0, 0));
        }
        batch.add(Msg.sized(0, 3));
        batch.add(Msg.sized(0, 0));
        Msg.append(log, batch);
        // Running total stays 0 through the empties; the 3-byte one takes it to 3 >= 1.
        assertThat(Msg.read(log, 0, 1, BIG)).extracting(Msg::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(Msg.read(log, 0, 4, BIG)).hasSize(7);
    }

    @Test
    void offsetsOutsideTheLogReturnNothingWithTheHighWaterMark() {
        PartitionLog log = open(LogConfig.defaults());
        try (ReadResult r = log.read(0, BIG, BIG)) {
            assertThat(r.count()).isZero();
            assertThat(r.highWaterMark()).isZero();
            assertThat(r.firstOffset()).isEqualTo(-1);
        }
        Msg.append(log, values("v", 3));
        for (long off : new long[] {-1, Long.MIN_VALUE, 3, 4, Long.MAX_VALUE}) {
            try (ReadResult r = log.read(off, BIG, BIG)) {
                assertThat(r.count()).as("offset %d", off).isZero();
                assertThat(r.messages().readableBytes()).isZero();
                assertThat(r.highWaterMark()).isEqualTo(3);
            }
        }
    }

    @Test
    void readsStartInTheMiddleOfABatchAndContinueIntoTheNext() {
        PartitionLog log = open(LogConfig.defaults());
        Msg.append(log, values("a", 10));
        Msg.append(log, values("b", 10));
        List<Msg> got = Msg.read(log, 4, BIG, BIG);
        assertThat(got).extracting(Msg::offset).containsExactlyElementsOf(
                IntStream.range(4, 20).mapToObj(Long::valueOf).collect(Collectors.toList()));
        assertThat(got.get(0).valueString()).isEqualTo("a4");
        assertThat(got.get(6).valueString()).isEqualTo("b0");
        assertThat(Msg.read(log, 9, 1, BIG)).extracting(Msg::valueString).containsExactly("a9");
        assertThat(Msg.read(log, 19, BIG, BIG)).extracting(Msg::valueString).containsExactly("b9");
    }

    @Test
    void maxBlockBytesBoundsTheEncodedMessages() {
        PartitionLog log = open(LogConfig.defaults());
        Msg m = Msg.sized(2, 20); // 50 bytes encoded
        assertThat(m.encodedSize()).isEqualTo(50);
        Msg.append(log, List.of(m, m, m, m));
        assertThat(Msg.read(log, 0, BIG, 49)).as("the first does not fit: nothing").isEmpty();
        assertThat(Msg.read(log, 0, BIG, 50)).hasSize(1);
        assertThat(Msg.read(log, 0, BIG, 120)).hasSize(2);
        assertThat(Msg.read(log, 1, BIG, 150)).extracting(Msg::offset).containsExactly(1L, 2L, 3L);
        assertThat(Msg.read(log, 0, BIG, 0)).isEmpty();
        try (ReadResult r = log.read(0, BIG, 199)) {
            assertThat(r.messages().readableBytes()).isEqualTo(150);
            assertThat(r.messages().maxCapacity()).isLessThanOrEqualTo(199);
        }
        assertThatThrownBy(() -> log.read(0, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A sync producer writes one message per batch: a read must still fill up to its byte limits from as many
     * batches as that takes (a Fetch per batch would cost a round trip per record), with the same result as for
     * the same messages in one batch, across read windows (a batch header or message straddling a window end).
     */
    @Test
    void oneReadTakesManyOneMessageBatchesUpToTheByteLimits() {
        int n = 2000;
        List<Msg> msgs = IntStream.range(0, n).mapToObj(i -> new Msg(0, i, Msg.bytes(String.format("k%07d", i)),
                Msg.bytes(String.format("v%07d", i)), List.of())).collect(Collectors.toList()); // 16 kv bytes each
        PartitionLog single = open(LogConfig.defaults());
        for (Msg m : msgs) {
            Msg.append(single, List.of(m));
        }
        manager.createTopic("batched", 1);
        PartitionLog batched = manager.partition("batched", 0);
        Msg.append(batched, msgs);
        int perMessage = msgs.get(0).encodedSize();

        for (PartitionLog log : List.of(single, batched)) {
            // 8,000 kv bytes from offset 7: the 500th message reaches the limit (compared before adding).
            List<Msg> got = Msg.read(log, 7, 16 * 500, BIG);
            assertThat(got).as("%s by kv bytes", log).hasSize(500);
            assertThat(got.get(499).valueString()).isEqualTo(String.format("v%07d", 506));
            // The block limit: exactly 567 whole messages fit.
            assertThat(Msg.read(log, 100, BIG, perMessage * 567 + perMessage - 1)).as("%s by block", log)
                    .hasSize(567);
            // Everything in one read, in order, intact.
            List<Msg> all = Msg.read(log, 0, BIG, BIG);
            assertThat(all).as("%s whole", log).hasSize(n);
            for (int i = 0; i < n; i += 97) {
                assertThat(all.get(i).offset()).isEqualTo(i);
                assertThat(all.get(i).sameContent(msgs.get(i))).as("message %d", i).isTrue();
            }
        }
    }

    /**
     * readBlock gives the messages of read as one block (count in front, on one buffer), with the same limits, its
     * largest message and its last offset; nothing when read gives nothing.
     */
    @Test
    void readBlockIsReadWithItsCountInFront() {
        PartitionLog log = open(LogConfig.defaults());
        List<Msg> msgs = new ArrayList<>(values("a", 10));
        msgs.set(3, Msg.sized(5, 300));
        Msg.append(log, msgs.subList(0, 6));
        Msg.append(log, msgs.subList(6, 10));
        for (int[] limits : new int[][] {{BIG, BIG}, {40, BIG}, {BIG, 120}, {1, BIG}}) {
            for (long from : new long[] {0, 2, 5, 9}) {
                try (ReadResult r = log.read(from, limits[0], limits[1])) {
                    MessageBlock b = log.readBlock(from, limits[0], limits[1]);
                    if (r.count() == 0) {
                        assertThat(b).isNull();
                        continue;
                    }
                    try {
                        assertThat(b.count()).isEqualTo(r.count());
                        assertThat(b.buffer().nioBufferCount()).as("one buffer").isEqualTo(1);
                        assertThat(ByteBufUtil.equals(b.buffer(), 4, r.messages(), r.messages().readerIndex(),
                                r.messages().readableBytes())).isTrue();
                        assertThat(b.sizeInBytes()).isEqualTo(4 + r.messages().readableBytes());
                        assertThat(b.lastOffset()).isEqualTo(r.lastOffset());
                        MessageBlock wrapped = MessageBlock.wrap(b.retainedBuffer()); // validates it
                        try {
                            assertThat(b.maxMessageSize()).isEqualTo(wrapped.maxMessageSize());
                            assertThat(wrapped.count()).isEqualTo(r.count());
                        } finally {
                            wrapped.release();
                        }
                    } finally {
                        b.release();
                    }
                }
            }
        }
        assertThat(log.readBlock(10, BIG, BIG)).as("at the high-water mark").isNull();
        assertThat(log.readBlock(0, BIG, 10)).as("no message fits").isNull();
    }

    @Test
    void largeMessagesSpanningReadWindowsComeBackIntact() {
        PartitionLog log = open(LogConfig.defaults());
        Random rnd = new Random(7);
        List<Msg> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] v = new byte[rnd.nextInt(200_000) + 1];
            rnd.nextBytes(v);
            batch.add(new Msg(0, i, new byte[0], v, List.of(Map.entry("i", new byte[] {(byte) i}))));
        }
        Msg.append(log, batch.subList(0, 3));
        Msg.append(log, batch.subList(3, 6));
        List<Msg> all = Msg.readAll(log, 0, 1);
        assertThat(all).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(all.get(i).sameContent(batch.get(i))).as("message %d", i).isTrue();
        }
        assertThat(Msg.read(log, 0, BIG, BIG)).hasSize(6);
    }

    @Test
    void malformedInputNeverReachesTheLogAndNothingIsAppended() {
        PartitionLog log = open(LogConfig.defaults());
        Msg.append(log, values("v", 2));
        assertThatThrownBy(() -> log.append(MessageBlock.empty())).as("an empty block")
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.field()).isEqualTo("message count");
                    assertThat(e.errorCode()).isEqualTo(2);
                });
        // Bytes that are not exactly the declared messages cannot become a MessageBlock: the codec refuses them
        // with the field and offset (from the count field), so the log only ever sees validated blocks.
        String forty = "v".repeat(40);
        ByteBuf two = Msg.encode(List.of(Msg.of("a", forty), Msg.of("c", forty))); // 69 bytes each
        try {
            assertThatThrownBy(() -> Msg.block(two.retain(), 5)).as("more messages than bytes allow")
                    .isInstanceOfSatisfying(MalformedPayloadException.class,
                            e -> assertThat(e.field()).isEqualTo("message count"));
            assertThatThrownBy(() -> Msg.block(two.retain(), 3)).isInstanceOf(MalformedPayloadException.class);
            assertThatThrownBy(() -> Msg.block(two.retain(), 1)).as("bytes after the last message")
                    .isInstanceOf(MalformedPayloadException.class);
            ByteBuf corrupt = two.copy();
            try {
                corrupt.setInt(69 + 16, 1000); // key length of the second message
                assertThatThrownBy(() -> Msg.block(corrupt.retain(), 2)).isInstanceOfSatisfying(
                        MalformedPayloadException.class, e -> {
                            assertThat(e.field()).isEqualTo("message key length");
                            assertThat(e.offset()).isEqualTo(4 + 85);
                        });
                corrupt.setInt(69 + 16, 1);
                corrupt.setInt(69 + 65, -1); // header count 0xFFFFFFFF
                assertThatThrownBy(() -> Msg.block(corrupt.retain(), 2)).isInstanceOfSatisfying(
                        MalformedPayloadException.class, e -> {
                            assertThat(e.field()).isEqualTo("message header count");
                            assertThat(e.offset()).isEqualTo(4 + 134);
                        });
            } finally {
                corrupt.release();
            }
            assertThatThrownBy(() -> Msg.block(two.retainedSlice(0, 137), 2))
                    .isInstanceOf(MalformedPayloadException.class);
        } finally {
            two.release();
        }
        assertThat(log.endOffset()).isEqualTo(2);
        assertThat(Msg.read(log, 0, BIG, BIG)).hasSize(2);
        assertThat(Msg.append(log, values("w", 1)).baseOffset()).isEqualTo(2);
    }

    @Test
    void segmentsRollAndTheIndexFindsEveryOffsetAcrossThem() {
        LogConfig config = LogConfig.builder().segmentBytes(2048).indexIntervalBytes(200).build();
        PartitionLog log = open(config);
        Random rnd = new Random(42);
        List<Msg> expected = new ArrayList<>();
        for (int b = 0; b < 400; b++) {
            List<Msg> batch = new ArrayList<>();
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                batch.add(Msg.of("k" + expected.size(), "value-" + expected.size() + "-" + "x".repeat(rnd.nextInt(40))));
                expected.add(batch.get(i));
            }
            AppendResult r = Msg.append(log, batch);
            assertThat(r.baseOffset()).isEqualTo(expected.size() - n);
        }
        assertThat(log.segmentCount()).isGreaterThan(20);
        for (int i = 0; i < 300; i++) {
            int off = rnd.nextInt(expected.size());
            List<Msg> got = Msg.read(log, off, 1, BIG);
            assertThat(got).hasSize(1);
            assertThat(got.get(0).offset()).isEqualTo(off);
            assertThat(got.get(0).sameContent(expected.get(off))).isTrue();
        }
        List<Msg> all = Msg.readAll(log, 0, 3000);
        assertThat(all).hasSize(expected.size());
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).offset()).isEqualTo(i);
            assertThat(all.get(i).sameContent(expected.get(i))).isTrue();
        }
        assertThat(Msg.read(log, 0, -1, BIG)).as("one read crosses every segment").hasSize(expected.size());

        long end = log.endOffset();
        int segments = log.segmentCount();
        manager.close();
        manager = LogManager.open(dir, config);
        PartitionLog reopened = manager.partition("t", 0);
        assertThat(reopened.endOffset()).isEqualTo(end);
        assertThat(reopened.segmentCount()).isEqualTo(segments);
        List<Msg> again = Msg.readAll(reopened, 0, 5000);
        assertThat(again).hasSize(expected.size());
        for (int i = 0; i < again.size(); i++) {
            assertThat(again.get(i).sameContent(expected.get(i))).isTrue();
        }
        assertThat(Msg.append(reopened, values("after", 2)).baseOffset()).isEqualTo(end);
        assertThat(Msg.read(reopened, end, BIG, BIG)).extracting(Msg::valueString).containsExactly("after0", "after1");
    }

    @Test
    void aBatchLargerThanASegmentGetsASegmentOfItsOwn() {
        PartitionLog log = open(LogConfig.builder().segmentBytes(100).build());
        Msg.append(log, List.of(Msg.sized(0, 500)));
        Msg.append(log, List.of(Msg.sized(0, 10)));
        Msg.append(log, List.of(Msg.sized(0, 500), Msg.sized(0, 1)));
        assertThat(log.segmentCount()).isEqualTo(3);
        assertThat(Msg.read(log, 0, -1, BIG)).extracting(m -> m.value().length).containsExactly(500, 10, 500, 1);
    }

    @Test
    void everyFlushPolicyKeepsDataAcrossACleanReopen() {
        for (FlushPolicy policy : List.of(FlushPolicy.EVERY_WRITE, FlushPolicy.OS,
                FlushPolicy.interval(java.time.Duration.ofMillis(5)))) {
            Path sub = dir.resolve(policy.kind().name());
            LogConfig config = LogConfig.builder().flushPolicy(policy).segmentBytes(512).build();
            try (LogManager m = LogManager.open(sub, config)) {
                m.createTopic("t", 2);
                for (int i = 0; i < 20; i++) {
                    Msg.append(m.partition("t", i % 2), values("p" + policy, 3));
                }
                m.partition("t", 0).flush();
                m.flushAll();
            }
            try (LogManager m = LogManager.open(sub, config)) {
                assertThat(m.partition("t", 0).endOffset()).isEqualTo(30);
                assertThat(Msg.readAll(m.partition("t", 1), 0, 100)).hasSize(30);
            }
        }
    }
}
