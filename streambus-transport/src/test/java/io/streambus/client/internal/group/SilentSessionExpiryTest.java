package io.streambus.client.internal.group;

import static io.streambus.client.internal.group.GroupTestKit.P0;
import static io.streambus.client.internal.group.GroupTestKit.P1;
import static io.streambus.client.internal.group.GroupTestKit.answerCommit;
import static io.streambus.client.internal.group.GroupTestKit.done;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.ClientConfig;
import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.JoinGroupRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * B.6.1: a member that has heard nothing renewing its session for longer than the session timeout may have been
 * removed by the broker (after a network partition), or kept (a restarted broker restores members with a fresh
 * timer). Until a reply settles it, it delivers nothing, so that it never hands out records another member may be
 * reading from the last commit; a renewal resumes delivery, 20 or 28 fence it.
 */
class SilentSessionExpiryTest {
    private static final int SESSION_MS = 6000;

    private static GroupTestKit kit() {
        return new GroupTestKit(Map.of(ClientConfig.SESSION_TIMEOUT_MS, SESSION_MS,
                ClientConfig.ENABLE_AUTO_COMMIT, false));
    }

    /** Polls once on the consumer thread; returns how many times it asked the engine for records. */
    private static int pollAsksEngine(GroupTestKit kit) throws Exception {
        int before = kit.engine.polls();
        done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
        return kit.engine.polls() - before;
    }

    @Test
    void aSilentMemberDeliversNothingUntilARenewalResumesIt() throws Exception {
        try (GroupTestKit kit = kit()) {
            kit.stableMember(List.of(P0, P1));

            kit.net.advanceMs(SESSION_MS); // exactly the timeout: the broker may still hold the member
            assertThat(pollAsksEngine(kit)).isPositive();

            kit.net.advanceMs(1);
            assertThat(pollAsksEngine(kit)).as("records are not handed out while silent").isZero();
            assertThat(kit.membership.state()).isEqualTo(MemberState.STABLE);
            assertThat(kit.consumer.assignment()).as("the partitions are kept").containsExactlyInAnyOrder(P0, P1);

            kit.heartbeat(0); // a restarted broker that kept the member answers
            assertThat(pollAsksEngine(kit)).isPositive();
            assertThat(kit.events).noneMatch(e -> e.startsWith("lost") || e.startsWith("revoked"));
        }
    }

    @Test
    void aSilentMemberThatWasRemovedLosesItsPartitionsWithoutDeliveringAnything() throws Exception {
        try (GroupTestKit kit = kit()) {
            kit.stableMember(List.of(P0, P1));
            kit.net.advanceMs(SESSION_MS + 1);
            assertThat(pollAsksEngine(kit)).isZero();

            kit.heartbeat(ErrorCode.UNKNOWN_MEMBER_ID); // the broker removed it during the partition
            assertThat(pollAsksEngine(kit)).isZero();
            assertThat(kit.events).contains("lost [t-0, t-1]").doesNotContain("revoked [t-0, t-1]");
            assertThat(kit.net.requests(ApiKey.OFFSET_COMMIT)).as("nothing committed for lost partitions").isEmpty();

            JoinGroupRequest rejoin = kit.join(2, "m-2", List.of(P0));
            assertThat(rejoin.memberId()).isEmpty();
            kit.pollApplying(Map.of());
            assertThat(kit.consumer.assignment()).containsExactly(P0);
        }
    }

    @Test
    void answeredHeartbeatsKeepTheMemberPastTheSessionTimeout() throws Exception {
        try (GroupTestKit kit = kit()) {
            kit.stableMember(List.of(P0));
            for (int i = 0; i < 2 * SESSION_MS / GroupTestKit.HEARTBEAT_MS; i++) {
                kit.heartbeat(0);
            }
            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
            assertThat(kit.membership.state()).isEqualTo(MemberState.STABLE);
            assertThat(kit.consumer.assignment()).containsExactly(P0);
            assertThat(kit.events).noneMatch(e -> e.startsWith("lost"));
        }
    }

    @Test
    void anAnsweredCommitRenewsTheSessionToo() throws Exception {
        try (GroupTestKit kit = kit()) {
            kit.stableMember(List.of(P0));
            kit.net.advanceMs(SESSION_MS - 1000);
            Future<?> commit = kit.onConsumer(() -> kit.consumer.commitSync(
                    Map.of(P0, new OffsetAndMetadata(5)), Duration.ofSeconds(5)));
            answerCommit(kit.expect(ApiKey.OFFSET_COMMIT), 0);
            done(commit);

            kit.net.advanceMs(SESSION_MS - 1000); // 10 s after the SyncGroup, 5 s after the commit
            assertThat(pollAsksEngine(kit)).isPositive();

            kit.net.advanceMs(1001);
            assertThat(pollAsksEngine(kit)).isZero();
        }
    }

    @Test
    void groupMetadataIsHeldOnlyWhileTheMemberHoldsItsGeneration() throws Exception {
        try (GroupTestKit kit = kit()) {
            kit.stableMember(List.of(P0));
            ConsumerGroupMetadata g1 = kit.consumer.groupMetadata();
            assertThat(g1.generationId()).isEqualTo(1);
            assertThat(g1.isHeld()).isTrue();

            kit.heartbeat(ErrorCode.REBALANCE_IN_PROGRESS); // still owns its partitions until it rejoins (B.6.1)
            assertThat(g1.isHeld()).isTrue();
            kit.net.advanceMs(SESSION_MS - 500); // 22 renewed the session: not silent yet
            assertThat(g1.isHeld()).isTrue();

            kit.heartbeat(ErrorCode.ILLEGAL_GENERATION); // fenced: another member may own P0 now
            assertThat(g1.isHeld()).isFalse();
            done(kit.onConsumer(() -> kit.consumer.poll(Duration.ZERO)));
            kit.join(2, "m-1", List.of(P0));
            kit.pollApplying(Map.of());
            assertThat(g1.isHeld()).as("a later generation does not revive an older one").isFalse();
            ConsumerGroupMetadata g2 = kit.consumer.groupMetadata();
            assertThat(g2.isHeld()).isTrue();

            kit.net.advanceMs(SESSION_MS + 1); // silent past the session timeout: it may have been removed
            assertThat(g2.isHeld()).isFalse();
            kit.heartbeat(0);
            assertThat(g2.isHeld()).as("the broker answered: still the member").isTrue();
        }
    }

    @Test
    void aPollDoesNotWaitPastTheSessionsEnd() throws Exception {
        try (GroupTestKit kit = kit()) {
            kit.stableMember(List.of(P0));
            kit.net.advanceMs(SESSION_MS - 100);
            assertThat(kit.membership.nanosUntilSilentExpiry()).isEqualTo(Duration.ofMillis(100).toNanos());
            kit.net.advanceMs(200);
            assertThat(kit.membership.nanosUntilSilentExpiry()).isNegative();
        }
    }
}
