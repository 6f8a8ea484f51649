package io.streambus.protocol.group;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.streambus.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerProtocolTest {

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition ORDERS_2 = new TopicPartition("orders", 2);
    private static final TopicPartition PAYMENTS_0 = new TopicPartition("payments", 0);

    @Test
    void subscriptionWithoutOwnedPartitionsMatchesVector() {
        byte[] vector = GroupVectors.load("ext-consumer-subscription-1.hex");
        assertThat(vector).hasSize(36);
        Subscription s = Subscription.fromBytes(vector);
        assertThat(s.version()).isZero();
        assertThat(s.topics()).containsExactly("orders", "payments");
        assertThat(s.ownedPartitions()).isEmpty();
        assertThat(s.userData()).isEmpty();
        assertThat(new Subscription(List.of("payments", "orders")).toBytes()).isEqualTo(vector);
        assertThat(s.encodedSize()).isEqualTo(36);
    }

    @Test
    void subscriptionWithOwnedPartitionsMatchesVector() {
        byte[] vector = GroupVectors.load("ext-consumer-subscription-2.hex");
        assertThat(vector).hasSize(78);
        Subscription s = Subscription.fromBytes(vector);
        assertThat(s.topics()).containsExactly("orders", "payments");
        assertThat(s.ownedPartitions()).containsExactly(ORDERS_0, ORDERS_1, PAYMENTS_0);
        // Given in another order, the encoding is still the canonical one of the vector.
        Subscription built = new Subscription(List.of("orders", "payments"), List.of(PAYMENTS_0, ORDERS_1, ORDERS_0));
        assertThat(built.toBytes()).isEqualTo(vector);
        assertThat(built).isEqualTo(s);
    }

    @Test
    void assignmentMatchesVectors() {
        byte[] vector = GroupVectors.load("ext-consumer-assignment-1.hex");
        assertThat(vector).hasSize(52);
        Assignment a = Assignment.fromBytes(vector);
        assertThat(a.version()).isZero();
        assertThat(a.partitions()).containsExactly(ORDERS_0, ORDERS_1, PAYMENTS_0);
        assertThat(new Assignment(List.of(PAYMENTS_0, ORDERS_0, ORDERS_1)).toBytes()).isEqualTo(vector);

        // The same structures embedded in the SyncGroup request vector (offsets from vectors/README.md).
        assertThat(GroupVectors.slice("ext-syncgroup-request-1.hex", 61, 52)).isEqualTo(vector);
        byte[] svcB = GroupVectors.slice("ext-syncgroup-request-1.hex", 128, 28);
        assertThat(Assignment.fromBytes(svcB).partitions()).containsExactly(ORDERS_2);
        assertThat(new Assignment(List.of(ORDERS_2)).toBytes()).isEqualTo(svcB);
    }

    @Test
    void followerSubscriptionEmbeddedInJoinGroupResponse() {
        byte[] svcB = GroupVectors.slice("ext-joingroup-response-1.hex", 120, 24);
        Subscription s = Subscription.fromBytes(svcB);
        assertThat(s.topics()).containsExactly("orders");
        assertThat(new Subscription(List.of("orders")).toBytes()).isEqualTo(svcB);
    }

    @Test
    void emptyAssignmentBytesMeanNothingAssigned() {
        assertThat(Assignment.fromBytes(new byte[0])).isEqualTo(Assignment.EMPTY);
        assertThat(Assignment.EMPTY.partitions()).isEmpty();
    }

    @Test
    void decoderAcceptsAnyOrderHigherVersionAndTrailingBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(3);
        out.writeInt(2);
        writeString(out, "payments");
        writeString(out, "orders");
        out.writeInt(2);
        writeString(out, "payments");
        out.writeInt(1);
        out.writeInt(0);
        writeString(out, "orders");
        out.writeInt(2);
        out.writeInt(1);
        out.writeInt(0);
        out.writeInt(2);
        out.write(new byte[] {7, 8});
        out.write(new byte[] {1, 2, 3, 4, 5}); // fields of a later version
        Subscription s = Subscription.fromBytes(bytes.toByteArray());
        assertThat(s.version()).isEqualTo((short) 3);
        assertThat(s.topics()).containsExactly("orders", "payments");
        assertThat(s.ownedPartitions()).containsExactly(ORDERS_0, ORDERS_1, PAYMENTS_0);
        assertThat(s.userData()).containsExactly(7, 8);

        ByteBuf buf = Unpooled.wrappedBuffer(bytes.toByteArray());
        Subscription.decode(buf);
        assertThat(buf.readableBytes()).as("trailing bytes left unread").isEqualTo(5);
    }

    @Test
    void everyTruncationIsATypedError() {
        for (String name : List.of("ext-consumer-subscription-1.hex", "ext-consumer-subscription-2.hex")) {
            byte[] vector = GroupVectors.load(name);
            for (int len = 0; len < vector.length; len++) {
                byte[] cut = Arrays.copyOf(vector, len);
                assertThatThrownBy(() -> Subscription.fromBytes(cut)).as("%s cut at %d", name, len)
                        .isInstanceOf(ConsumerProtocolException.class);
            }
        }
        byte[] vector = GroupVectors.load("ext-consumer-assignment-1.hex");
        for (int len = 1; len < vector.length; len++) {
            byte[] cut = Arrays.copyOf(vector, len);
            assertThatThrownBy(() -> Assignment.fromBytes(cut)).as("assignment cut at %d", len)
                    .isInstanceOf(ConsumerProtocolException.class);
        }
    }

    @Test
    void hugeCountsAreRejectedBeforeAllocating() {
        byte[] vector = GroupVectors.load("ext-consumer-subscription-2.hex");
        // topic count at offset 2, owned topic count at 28, owned[0] partition count at 42, user data length at 74
        for (int offset : new int[] {2, 28, 42, 74, 6}) {
            for (int value : new int[] {0xFFFFFFFF, 0x7FFFFFFF, 1_000_000}) {
                byte[] bad = vector.clone();
                Unpooled.wrappedBuffer(bad).setInt(offset, value);
                assertThatThrownBy(() -> Subscription.fromBytes(bad)).as("value %d at %d", value, offset)
                        .isInstanceOf(ConsumerProtocolException.class)
                        .hasMessageContaining("offset " + offset);
            }
        }
    }

    @Test
    void negativeVersionAndOversizedPartitionAreRejected() {
        byte[] sub = GroupVectors.load("ext-consumer-subscription-1.hex");
        sub[0] = (byte) 0x80;
        assertThatThrownBy(() -> Subscription.fromBytes(sub)).isInstanceOf(ConsumerProtocolException.class)
                .hasMessageContaining("version");

        byte[] asg = GroupVectors.load("ext-consumer-assignment-1.hex");
        asg[20] = (byte) 0x80; // assigned[0] p[0] = 2^31
        assertThatThrownBy(() -> Assignment.fromBytes(asg)).isInstanceOf(ConsumerProtocolException.class)
                .satisfies(e -> {
                    ConsumerProtocolException c = (ConsumerProtocolException) e;
                    assertThat(c.offset()).isEqualTo(20);
                    assertThat(c.field()).contains("partition");
                });
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] sub = GroupVectors.load("ext-consumer-subscription-1.hex");
        sub[10] = (byte) 0xC3; // "orders" -> lead byte followed by 'r': malformed
        assertThatThrownBy(() -> Subscription.fromBytes(sub)).isInstanceOf(ConsumerProtocolException.class)
                .hasMessageContaining("UTF-8").hasMessageContaining("offset 6");
    }

    @Test
    void utf8ByteOrderDiffersFromUtf16Order() {
        String bmpHigh = "\uFFFD";          // EF BF BD
        String supplementary = "\uD83D\uDE00"; // F0 9F 98 80
        assertThat(bmpHigh.compareTo(supplementary)).isPositive();
        assertThat(Utf8Order.compare(bmpHigh, supplementary)).isNegative();
        assertThat(Utf8Order.compare("a", "ab")).isNegative();
        assertThat(Utf8Order.compare("B", "a")).isNegative();
        assertThat(Utf8Order.compare("z", "\u00e9")).isNegative();

        Subscription s = new Subscription(List.of(supplementary, bmpHigh, "z"));
        assertThat(s.topics()).containsExactly("z", bmpHigh, supplementary);
        assertThat(Subscription.fromBytes(s.toBytes())).isEqualTo(s);
    }

    @Test
    void randomRoundTrips() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            List<String> topics = new ArrayList<>();
            List<TopicPartition> owned = new ArrayList<>();
            int nt = random.nextInt(5);
            for (int t = 0; t < nt; t++) {
                String topic = "t" + random.nextInt(1000) + (random.nextBoolean() ? "\u00e9" : "");
                topics.add(topic);
                for (int p = random.nextInt(4); p > 0; p--) {
                    owned.add(new TopicPartition(topic, random.nextInt(Integer.MAX_VALUE)));
                }
            }
            byte[] userData = new byte[random.nextInt(3)];
            random.nextBytes(userData);
            short version = (short) random.nextInt(3);
            Subscription s = new Subscription(version, topics, owned, userData);
            byte[] encoded = s.toBytes();
            assertThat(encoded).hasSize(s.encodedSize());
            assertThat(Subscription.fromBytes(encoded)).isEqualTo(s);

            Assignment a = new Assignment(version, owned, userData);
            assertThat(Assignment.fromBytes(a.toBytes())).isEqualTo(a);
            assertThat(a.toBytes()).hasSize(a.encodedSize());
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
