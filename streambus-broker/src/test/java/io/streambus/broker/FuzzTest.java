package io.streambus.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.Frames;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.HealthCheckResponse;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.Vectors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Random and mutated frames (from the golden vectors) thrown at a live broker. Every frame with a sound length and CRC
 * must get exactly one reply carrying its request id, on a connection that stays usable; every other frame must
 * close its connection without a reply. Afterwards the broker answers on new connections and on one that stayed
 * open all along. The seed is fixed, so a failure reproduces.
 */
@ExtendWith(LeakCheck.class)
class FuzzTest {
    private static final List<byte[]> SEEDS = new ArrayList<>();

    static {
        for (String name : Vectors.frameNames()) {
            SEEDS.add(Vectors.bytes(name));
        }
    }

    /** About 5 s on two cores, so it stays in the default suite. */
    @Test
    void tenThousandFrames() throws IOException {
        run(10_000, 977L);
    }

    @Test
    @EnabledIfSystemProperty(named = "streambus.slow", matches = "true")
    void fiftyThousandFramesWithAnotherSeed() throws IOException {
        run(50_000, 20240601L);
    }

    private static void run(int frames, long seed) throws IOException {
        Random rnd = new Random(seed);
        int replies = 0;
        int closes = 0;
        int held = 0;
        // Short session timeouts: the vectors' JoinGroups (30 s) get code 21 at once, and members that mutated
        // frames do create expire quickly instead of holding later join phases.
        try (EmbeddedBroker broker = EmbeddedBroker.builder().temporary()
                .groupSessionTimeoutRange(Duration.ofMillis(10), Duration.ofMillis(500)).build()) {
            int port = broker.start();
            try (TestClient survivor = TestClient.connect(port)) {
                survivor.send(TestClient.produce("survivor", 0, "before")).body(ProduceResponse.class);
                TestClient c = TestClient.connect(port);
                try {
                    for (int i = 0; i < frames; i++) {
                        long id = 0x5EED_0000_0000L + i;
                        Mutant m = mutate(rnd, id);
                        c.writeRaw(m.bytes);
                        int type = m.bytes.length > 12 ? m.bytes[12] & 0xff : -1;
                        if (m.sound && (type == 0x08 || type == 0x09)) {
                            // JoinGroup/SyncGroup may legitimately be held (B.6.10): wait a little, then give the
                            // connection up (closing it also releases a held new member).
                            c.readTimeout(Duration.ofMillis(300));
                            try {
                                byte[] reply = c.readFrameContent();
                                assertThat(reply).as("reply to frame %d (%s)", i, m.how).isNotNull();
                                assertThat(ByteBuffer.wrap(reply).getLong()).isEqualTo(id);
                                replies++;
                                c.readTimeout(Duration.ofSeconds(10));
                            } catch (java.net.SocketTimeoutException e) {
                                held++;
                                c.close();
                                c = TestClient.connect(port);
                            }
                        } else if (m.sound) {
                            byte[] reply = c.readFrameContent();
                            assertThat(reply).as("reply to frame %d (%s)", i, m.how).isNotNull();
                            assertThat(ByteBuffer.wrap(reply).getLong()).as("request id of frame %d (%s)", i, m.how)
                                    .isEqualTo(id);
                            replies++;
                        } else {
                            assertThat(c.closedByPeer(Duration.ofSeconds(5))).as("close after frame %d (%s)", i, m.how)
                                    .isTrue();
                            closes++;
                            c.close();
                            c = TestClient.connect(port);
                        }
                        if (i % 500 == 0) {
                            assertThat(survivor.send(new HealthCheckRequest()).isError()).isFalse();
                        }
                    }
                    // The last connection still works.
                    assertThat(c.send(new ListTopicsRequest()).isError()).isFalse();
                } finally {
                    c.close();
                }
                assertThat(survivor.send(new HealthCheckRequest()).body(HealthCheckResponse.class).status())
                        .isEqualTo("healthy");
                assertThat(survivor.send(TestClient.produce("survivor", 0, "after")).body(ProduceResponse.class)
                        .baseOffset()).isEqualTo(1);
            }
            try (TestClient fresh = TestClient.connect(port)) {
                assertThat(fresh.send(new HealthCheckRequest()).isError()).isFalse();
            }
        }
        assertThat(replies).isGreaterThan(frames / 4);
        System.out.printf("fuzz: %d frames, %d replies, %d closes, %d held%n", frames, replies, closes, held);
        assertThat(held).isLessThan(frames / 100);
        assertThat(closes).isGreaterThan(frames / 10);
    }

    private record Mutant(byte[] bytes, boolean sound, String how) {
    }

    /** One frame: sound ones have a length in range matching their size and a correct CRC. */
    private static Mutant mutate(Random rnd, long id) {
        byte[] seed = SEEDS.get(rnd.nextInt(SEEDS.size()));
        byte[] content = Arrays.copyOfRange(seed, 4, seed.length - 4); // header + payload
        if (content.length < 12) {
            content = Arrays.copyOf(content, 12);
        }
        int kind = rnd.nextInt(10);
        String how;
        switch (kind) {
            case 0 -> { // random bytes behind a consistent length: the CRC (or a short length) is wrong
                byte[] junk = new byte[rnd.nextInt(64)];
                rnd.nextBytes(junk);
                byte[] f = ByteBuffer.allocate(8 + junk.length).putInt(junk.length + 4).put(junk)
                        .putInt(rnd.nextInt()).array();
                return new Mutant(f, false, "junk of " + junk.length);
            }
            case 1 -> { // flip bytes without fixing the CRC
                byte[] f = seed.clone();
                int at = 4 + rnd.nextInt(f.length - 4);
                f[at] ^= (byte) (1 + rnd.nextInt(255));
                return new Mutant(f, false, "flip@" + at + " bad crc");
            }
            case 2 -> { // bad length field
                long[] lengths = {0, 1, 4, 8, 12, 15, 10_485_761L, 0xFFFF_FFFFL, 0x8000_0000L};
                byte[] f = seed.clone();
                long len = lengths[rnd.nextInt(lengths.length)];
                ByteBuffer.wrap(f).putInt((int) len);
                return new Mutant(Arrays.copyOf(f, 4), false, "length " + len);
            }
            case 3, 4, 5 -> { // flip 1-4 payload bytes, fix the CRC: reaches the decoders
                int flips = 1 + rnd.nextInt(4);
                for (int k = 0; k < flips && content.length > 12; k++) {
                    int at = 12 + rnd.nextInt(content.length - 12);
                    content[at] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : content[at] ^ (1 << rnd.nextInt(8)));
                }
                how = "payload flips";
            }
            case 6 -> { // truncate the payload, fix length and CRC
                content = Arrays.copyOf(content, 12 + rnd.nextInt(content.length - 11));
                how = "truncated to " + content.length;
            }
            case 7 -> { // random type, version, flags
                content[8] = (byte) rnd.nextInt(256);
                content[9] = (byte) rnd.nextInt(3);
                ByteBuffer.wrap(content).putShort(10, (short) (rnd.nextBoolean() ? 0 : rnd.nextInt(1 << 16)));
                how = "type " + (content[8] & 0xff) + " flags " + (ByteBuffer.wrap(content).getShort(10) & 0xffff);
            }
            case 8 -> { // extend with random trailing bytes (decoders must ignore them)
                int extra = 1 + rnd.nextInt(32);
                int old = content.length;
                content = Arrays.copyOf(content, old + extra);
                for (int k = old; k < content.length; k++) {
                    content[k] = (byte) rnd.nextInt(256);
                }
                how = "trailing bytes";
            }
            default -> { // random payload behind a valid header of a random known type
                byte[] payload = new byte[rnd.nextInt(80)];
                rnd.nextBytes(payload);
                byte[] head = Arrays.copyOf(content, 12);
                content = Arrays.copyOf(head, 12 + payload.length);
                System.arraycopy(payload, 0, content, 12, payload.length);
                how = "random payload";
            }
        }
        ByteBuffer.wrap(content).putLong(0, id);
        return new Mutant(seal(content), true, how + " of type " + (content[8] & 0xff));
    }

    /** Length + content + CRC. */
    private static byte[] seal(byte[] content) {
        byte[] f = new byte[content.length + 8];
        ByteBuffer b = ByteBuffer.wrap(f);
        b.putInt(content.length + Frames.CRC_SIZE).put(content);
        CRC32 crc = new CRC32();
        crc.update(content);
        b.putInt((int) crc.getValue());
        return f;
    }
}
