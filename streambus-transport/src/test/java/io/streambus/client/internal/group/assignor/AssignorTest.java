package io.streambus.client.internal.group.assignor;

import io.streambus.common.TopicPartition;
import io.streambus.protocol.group.Assignment;
import io.streambus.protocol.group.GroupVectors;
import io.streambus.protocol.group.Subscription;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Expected outputs are worked out by hand from the rules of spec B.6.3 (the reasoning is in each comment). */
class AssignorTest {

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    private static List<TopicPartition> t(int... partitions) {
        List<TopicPartition> out = new ArrayList<>();
        for (int p : partitions) {
            out.add(tp("t", p));
        }
        return out;
    }

    private static Subscription sub(String... topics) {
        return new Subscription(List.of(topics));
    }

    private static Subscription owning(List<TopicPartition> owned, String... topics) {
        return new Subscription(List.of(topics), owned);
    }

    /** Members in insertion order of pairs (id, subscription). */
    private static Map<String, Subscription> members(Object... pairs) {
        Map<String, Subscription> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Subscription) pairs[i + 1]);
        }
        return m;
    }

    @Test
    void namesAndLookup() {
        assertThat(PartitionAssignor.forName("range")).isInstanceOf(RangeAssignor.class);
        assertThat(PartitionAssignor.forName("roundrobin")).isInstanceOf(RoundRobinAssignor.class);
        assertThat(PartitionAssignor.forName("sticky")).isInstanceOf(StickyAssignor.class);
        assertThat(PartitionAssignor.forName("cooperative-sticky")).isNull();
        assertThat(new RangeAssignor().name()).isEqualTo("range");
        assertThat(new RoundRobinAssignor().name()).isEqualTo("roundrobin");
        assertThat(new StickyAssignor().name()).isEqualTo("sticky");
    }

    @Nested
    class Range {
        private final PartitionAssignor range = new RangeAssignor();

        @Test
        void vectorStory() {
            // ext-joingroup-response-1: svc-a-1 subscribes orders+payments (ext-consumer-subscription-1),
            // svc-b-1 orders only; orders has 3 partitions, payments 1.
            Map<String, Subscription> subs = members(
                    "svc-b-1", Subscription.fromBytes(GroupVectors.slice("ext-joingroup-response-1.hex", 120, 24)),
                    "svc-a-1", Subscription.fromBytes(GroupVectors.load("ext-consumer-subscription-1.hex")));
            Map<String, List<TopicPartition>> out = range.assign(subs, Map.of("orders", 3, "payments", 1));
            // orders: [svc-a-1, svc-b-1], P=3, M=2 -> a gets ceil = 0,1; b gets 2. payments: [svc-a-1] -> 0.
            assertThat(out).containsOnlyKeys("svc-a-1", "svc-b-1");
            assertThat(out.get("svc-a-1")).containsExactly(tp("orders", 0), tp("orders", 1), tp("payments", 0));
            assertThat(out.get("svc-b-1")).containsExactly(tp("orders", 2));
            // and the leader's SyncGroup carries exactly the vector bytes
            assertThat(new Assignment(out.get("svc-a-1")).toBytes())
                    .isEqualTo(GroupVectors.load("ext-consumer-assignment-1.hex"));
            assertThat(new Assignment(out.get("svc-b-1")).toBytes())
                    .isEqualTo(GroupVectors.slice("ext-syncgroup-request-1.hex", 128, 28));
        }

        @Test
        void firstPModMMembersGetTheCeiling() {
            // P=7, M=3: 7 mod 3 = 1 member gets 3, the others 2, consecutive, in member order.
            Map<String, List<TopicPartition>> out = range.assign(
                    members("c3", sub("t"), "c1", sub("t"), "c2", sub("t")), Map.of("t", 7));
            assertThat(out.get("c1")).isEqualTo(t(0, 1, 2));
            assertThat(out.get("c2")).isEqualTo(t(3, 4));
            assertThat(out.get("c3")).isEqualTo(t(5, 6));
        }

        @Test
        void memberOrderIsUnsignedByteOrder() {
            // "C" (0x43) < "a" (0x61) < "b"; P=4, M=3: C gets 2, a and b one each.
            Map<String, List<TopicPartition>> out = range.assign(
                    members("b", sub("t"), "a", sub("t"), "C", sub("t")), Map.of("t", 4));
            assertThat(out.get("C")).isEqualTo(t(0, 1));
            assertThat(out.get("a")).isEqualTo(t(2));
            assertThat(out.get("b")).isEqualTo(t(3));
        }

        @Test
        void moreMembersThanPartitionsAndMissingTopics() {
            // P=2, M=4: floor 0, the first two get one each. "missing" does not exist: no partitions.
            Map<String, List<TopicPartition>> out = range.assign(
                    members("m1", sub("t", "missing"), "m2", sub("t"), "m3", sub("t"), "m4", sub("missing")),
                    Map.of("t", 2));
            assertThat(out.get("m1")).isEqualTo(t(0));
            assertThat(out.get("m2")).isEqualTo(t(1));
            assertThat(out.get("m3")).isEmpty();
            assertThat(out.get("m4")).isEmpty();
        }

        @Test
        void eachTopicIsSplitAmongItsOwnSubscribers() {
            // t1 (P=3): [A, C] -> A 0,1; C 2.  t2 (P=2): [A, B] -> A 0; B 1.
            Map<String, List<TopicPartition>> out = range.assign(
                    members("A", sub("t1", "t2"), "B", sub("t2"), "C", sub("t1")), Map.of("t1", 3, "t2", 2));
            assertThat(out.get("A")).containsExactly(tp("t1", 0), tp("t1", 1), tp("t2", 0));
            assertThat(out.get("B")).containsExactly(tp("t2", 1));
            assertThat(out.get("C")).containsExactly(tp("t1", 2));
        }
    }

    @Nested
    class RoundRobin {
        private final PartitionAssignor rr = new RoundRobinAssignor();

        @Test
        void alternatesOverTheSortedPartitionList() {
            // t1-0 A, t1-1 B, t1-2 A, t2-0 B, t2-1 A
            Map<String, List<TopicPartition>> out = rr.assign(
                    members("B", sub("t1", "t2"), "A", sub("t2", "t1")), Map.of("t1", 3, "t2", 2));
            assertThat(out.get("A")).containsExactly(tp("t1", 0), tp("t1", 2), tp("t2", 1));
            assertThat(out.get("B")).containsExactly(tp("t1", 1), tp("t2", 0));
        }

        @Test
        void skipsMembersNotSubscribed() {
            // list: t1-0, t1-1, t2-0, t2-1, t2-2; walk A,B,C circular.
            // t1-0 -> A; t1-1 -> B; t2-0 -> C; t2-1: A skipped -> B; t2-2 -> C.
            Map<String, List<TopicPartition>> out = rr.assign(
                    members("A", sub("t1"), "B", sub("t1", "t2"), "C", sub("t2")), Map.of("t1", 2, "t2", 3));
            assertThat(out.get("A")).containsExactly(tp("t1", 0));
            assertThat(out.get("B")).containsExactly(tp("t1", 1), tp("t2", 1));
            assertThat(out.get("C")).containsExactly(tp("t2", 0), tp("t2", 2));
        }

        @Test
        void topicsInByteOrderAndMissingTopicsEmpty() {
            // topics "T" (0x54) before "a" (0x61): T-0 m1, T-1 m2, a-0 m1; "zzz" missing.
            Map<String, List<TopicPartition>> out = rr.assign(
                    members("m2", sub("a", "T", "zzz"), "m1", sub("T", "a")), Map.of("a", 1, "T", 2));
            assertThat(out.get("m1")).containsExactly(tp("T", 0), tp("a", 0));
            assertThat(out.get("m2")).containsExactly(tp("T", 1));
        }

        @Test
        void memberSubscribedToNothingGetsNothing() {
            Map<String, List<TopicPartition>> out = rr.assign(
                    members("a", PartitionAssignor.EMPTY_SUBSCRIPTION, "b", sub("t")), Map.of("t", 3));
            assertThat(out.get("a")).isEmpty();
            assertThat(out.get("b")).isEqualTo(t(0, 1, 2));
        }
    }

    @Nested
    class Sticky {
        private final PartitionAssignor sticky = new StickyAssignor();

        @Test
        void freshGroupSpreadsEvenly() {
            // P=7, M=3: caps A 3 (tie by member order), B 2, C 2. Step 3 gives each partition to the member with
            // the fewest: 0 A, 1 B, 2 C, 3 A, 4 B, 5 C, 6 A.
            Map<String, List<TopicPartition>> out = sticky.assign(
                    members("C", sub("t"), "B", sub("t"), "A", sub("t")), Map.of("t", 7));
            assertThat(out.get("A")).isEqualTo(t(0, 3, 6));
            assertThat(out.get("B")).isEqualTo(t(1, 4));
            assertThat(out.get("C")).isEqualTo(t(2, 5));
        }

        @Test
        void newMemberTakesReleasedPartitions() {
            // A owns 0-3, B 4-6, C joins. P=7, M=3 -> one cap of 3 (A owns most), B and C 2.
            // A releases 3, B releases 6 (highest first); C takes 3 then 6.
            Map<String, List<TopicPartition>> out = sticky.assign(
                    members("A", owning(t(0, 1, 2, 3), "t"), "B", owning(t(4, 5, 6), "t"), "C", sub("t")),
                    Map.of("t", 7));
            assertThat(out.get("A")).isEqualTo(t(0, 1, 2));
            assertThat(out.get("B")).isEqualTo(t(4, 5));
            assertThat(out.get("C")).isEqualTo(t(3, 6));
        }

        @Test
        void partitionClaimedBySeveralGoesToFirstInMemberOrder() {
            // A owns 0,1; B claims 1,2 -> B keeps only 2. P=6, M=3, caps 2.
            // 3: B(1), C(0) below cap -> C; 4: B(1), C(1) -> B by member order; 5: C.
            Map<String, List<TopicPartition>> out = sticky.assign(
                    members("B", owning(t(1, 2), "t"), "A", owning(t(0, 1), "t"), "C", sub("t")), Map.of("t", 6));
            assertThat(out.get("A")).isEqualTo(t(0, 1));
            assertThat(out.get("B")).isEqualTo(t(2, 4));
            assertThat(out.get("C")).isEqualTo(t(3, 5));
        }

        @Test
        void dropsVanishedAndUnsubscribedPartitions() {
            // t shrank to 3 partitions; A owned t-5 (gone) and old-0 (unsubscribed) and t-0; B owns t-1.
            // P=3, M=2: A and B own 1 each, tie -> A cap 2, B cap 1. t-2 -> A.
            Map<String, List<TopicPartition>> out = sticky.assign(
                    members("A", owning(List.of(tp("t", 5), tp("old", 0), tp("t", 0)), "t"),
                            "B", owning(t(1), "t")),
                    Map.of("t", 3, "old", 1));
            assertThat(out.get("A")).isEqualTo(t(0, 2));
            assertThat(out.get("B")).isEqualTo(t(1));
        }

        @Test
        void ceilingCapsGoToTheMembersOwningMost() {
            // P=5, M=3 -> caps of 2 for the 2 members owning most (B 3, A 2), C gets 1.
            // B releases 4, which goes to C.
            Map<String, List<TopicPartition>> out = sticky.assign(
                    members("A", owning(t(0, 1), "t"), "B", owning(t(2, 3, 4), "t"), "C", sub("t")),
                    Map.of("t", 5));
            assertThat(out.get("A")).isEqualTo(t(0, 1));
            assertThat(out.get("B")).isEqualTo(t(2, 3));
            assertThat(out.get("C")).isEqualTo(t(4));
        }

        @Test
        void ceilingCapTieBrokenByMemberOrder() {
            // P=5, M=4 -> one cap of 2; A, B, C own 1 each -> A (member order). D cap 1, owns nothing.
            // 3: below cap A(1), D(0) -> D (fewest); 4: only A below cap -> A.
            Map<String, List<TopicPartition>> out = sticky.assign(
                    members("D", sub("t"), "C", owning(t(2), "t"), "B", owning(t(1), "t"), "A", owning(t(0), "t")),
                    Map.of("t", 5));
            assertThat(out.get("A")).isEqualTo(t(0, 4));
            assertThat(out.get("B")).isEqualTo(t(1));
            assertThat(out.get("C")).isEqualTo(t(2));
            assertThat(out.get("D")).isEqualTo(t(3));
        }

        @Test
        void releasesHighestTopicPartitionFirstAcrossTopics() {
            // A owns a-0, a-1, b-0, b-1; P=4, M=2, caps 2: A keeps a-0, a-1; B gets b-0, b-1.
            Map<String, List<TopicPartition>> out = sticky.assign(
                    members("A", owning(List.of(tp("b", 1), tp("a", 0), tp("b", 0), tp("a", 1)), "a", "b"),
                            "B", sub("b", "a")),
                    Map.of("a", 2, "b", 2));
            assertThat(out.get("A")).containsExactly(tp("a", 0), tp("a", 1));
            assertThat(out.get("B")).containsExactly(tp("b", 0), tp("b", 1));
        }

        @Test
        void vectorRejoinKeepsOwnedPartitions() {
            // svc-a-1 rejoins with ext-consumer-subscription-2 (owns orders 0,1 and payments 0); a new member
            // with the same topics joins. P=4 (orders 3 + payments 1), M=2, caps 2: svc-a-1 releases payments-0.
            Subscription rejoin = Subscription.fromBytes(GroupVectors.load("ext-consumer-subscription-2.hex"));
            Map<String, List<TopicPartition>> out = sticky.assign(
                    members("svc-a-1", rejoin, "svc-c-1", sub("orders", "payments")),
                    Map.of("orders", 3, "payments", 1));
            assertThat(out.get("svc-a-1")).containsExactly(tp("orders", 0), tp("orders", 1));
            assertThat(out.get("svc-c-1")).containsExactly(tp("orders", 2), tp("payments", 0));
        }

        @Test
        void differentSubscriptionsFallBackToRoundRobin() {
            Map<String, Subscription> subs = members(
                    "A", owning(List.of(tp("t2", 0), tp("t2", 1), tp("t2", 2)), "t1"),
                    "B", sub("t1", "t2"), "C", sub("t2"));
            Map<String, Integer> counts = Map.of("t1", 2, "t2", 3);
            assertThat(sticky.assign(subs, counts)).isEqualTo(new RoundRobinAssignor().assign(subs, counts));
            assertThat(sticky.assign(subs, counts).get("C")).containsExactly(tp("t2", 0), tp("t2", 2));
        }

        @Test
        void noMembers() {
            assertThat(sticky.assign(Map.of(), Map.of("t", 3))).isEmpty();
        }
    }

    /** Invariants every strategy must keep, on random memberships. */
    @Test
    void randomMembershipsAssignEverySubscribedPartitionOnce() {
        Random random = new Random(7);
        List<PartitionAssignor> assignors = List.of(new RangeAssignor(), new RoundRobinAssignor(),
                new StickyAssignor());
        for (int round = 0; round < 300; round++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int t = 0; t < 4; t++) {
                if (random.nextInt(5) > 0) {
                    counts.put("t" + t, random.nextInt(9));
                }
            }
            boolean same = random.nextBoolean();
            List<String> common = randomTopics(random);
            Map<String, Subscription> subs = new HashMap<>();
            int members = 1 + random.nextInt(6);
            for (int m = 0; m < members; m++) {
                List<String> topics = same ? common : randomTopics(random);
                List<TopicPartition> owned = new ArrayList<>();
                for (int k = random.nextInt(6); k > 0; k--) {
                    owned.add(tp("t" + random.nextInt(5), random.nextInt(10)));
                }
                subs.put("member-" + random.nextInt(1000) + "-" + m, new Subscription(topics, owned));
            }
            Set<TopicPartition> expected = new HashSet<>();
            for (Subscription s : subs.values()) {
                for (String topic : s.topics()) {
                    for (int p = 0; p < counts.getOrDefault(topic, 0); p++) {
                        expected.add(tp(topic, p));
                    }
                }
            }
            for (PartitionAssignor a : assignors) {
                Map<String, List<TopicPartition>> out = a.assign(subs, counts);
                assertThat(out).as(a.name()).containsOnlyKeys(subs.keySet());
                List<TopicPartition> assigned = new ArrayList<>();
                out.forEach((member, list) -> {
                    for (TopicPartition p : list) {
                        assertThat(subs.get(member).topics()).as("%s gave %s to %s", a.name(), p, member)
                                .contains(p.topic());
                    }
                    assigned.addAll(list);
                });
                assertThat(assigned).as(a.name()).doesNotHaveDuplicates();
                assertThat(new HashSet<>(assigned)).as(a.name()).isEqualTo(expected);
                if (same && !(a instanceof RangeAssignor)) {
                    // roundrobin and sticky balance to within one partition when subscriptions are equal
                    int min = out.values().stream().mapToInt(List::size).min().orElse(0);
                    int max = out.values().stream().mapToInt(List::size).max().orElse(0);
                    assertThat(max - min).as(a.name()).isLessThanOrEqualTo(1);
                }
            }
        }
    }

    private static List<String> randomTopics(Random random) {
        List<String> topics = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            if (random.nextBoolean()) {
                topics.add("t" + t);
            }
        }
        return topics;
    }
}
