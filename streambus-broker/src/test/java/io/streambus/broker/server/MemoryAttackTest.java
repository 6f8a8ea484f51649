package io.streambus.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.BrokerInternals;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.limits.MemoryBudget;
import io.streambus.broker.security.UsersFile;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.core.HealthCheckRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.group.GroupProtocol;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.security.ScramMechanism;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory attacks of the hardening review, performed over real sockets: memory held by clients that never
 * authenticate, held JoinGroups with pipelined maximum-size frames, and a paused connection whose peer leaves. The
 * broker's own {@link MemoryBudget} counters are the measure.
 */
@ExtendWith(LeakCheck.class)
class MemoryAttackTest {
    private static final int MIB = 1024 * 1024;
    /** Per attacking connection: one read loop (16 x 64 KiB) may land before reading pauses. */
    private static final long READ_LOOP_SLACK = 2L * MIB;

    @TempDir
    static Path dir;
    private static Path users;

    @BeforeAll
    static void users() throws IOException {
        users = dir.resolve("users.properties");
        UsersFile.addUser(users, "alice", "s3cret".toCharArray(), EnumSet.allOf(ScramMechanism.class), 4096);
    }

    /** A frame of {@code payloadBytes} zero bytes of an unknown type (answered with code 1 once processed). */
    private static byte[] unknownTypeFrame(int payloadBytes) {
        return TestClient.frame(1, 0x7F, 1, 0, new byte[payloadBytes]);
    }

    private static byte[] pipelinedApiVersions(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            out.writeBytes(TestClient.frame(i, ApiKey.API_VERSIONS.code(), 1, 0, new byte[0]));
        }
        return out.toByteArray();
    }

    private static JoinGroupRequest join(String memberId, int rebalanceTimeoutMs) {
        return new JoinGroupRequest("g", 10_000, rebalanceTimeoutMs, memberId, "attacker", "consumer",
                List.of(new GroupProtocol("range", new byte[] {0, 1})));
    }

    /** Writes {@code bytes} in the background; the write blocks once the broker stops reading, until closed. */
    private static void writeInBackground(ExecutorService pool, Socket s, byte[]... chunks) {
        pool.submit(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (byte[] c : chunks) {
                    out.write(c);
                }
                out.flush();
            } catch (IOException closed) {
                // The broker closed the connection or the test did: either ends the attack.
            }
            return null;
        });
    }

    private static void stop(ExecutorService pool, List<Socket> sockets) throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void unauthenticatedPipelinersHoldLittleAndAnAuthenticatedProducerGetsThrough() throws Exception {
        long limit = 32L * MIB;
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().users(users).authRequired(true)
                .memoryBudget(limit).build()) {
            int port = b.start();
            MemoryBudget budget = BrokerInternals.memoryBudget(b);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Socket> attackers = new ArrayList<>();
            byte[] apiVersions = pipelinedApiVersions(1500);
            try {
                // A connection that announces a 10 MiB frame before authenticating is closed before it is buffered.
                try (TestClient big = TestClient.connect(port)) {
                    big.writeRaw(new byte[] {0, (byte) 0xA0, 0, 0});
                    assertThat(big.closedByPeer(Duration.ofSeconds(10))).isTrue();
                }
                // Seven connections that never authenticate pipeline ApiVersions and never read the replies.
                for (int i = 0; i < 7; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                    attackers.add(s);
                    writeInBackground(pool, s, apiVersions);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> b.connectionCount() == 7 && budget.used() > 0);
                try (TestClient c = TestClient.connect(port)) {
                    SaslTest.authenticate(c, SaslTest.client("SCRAM-SHA-256", "alice", "s3cret"));
                    String value = "v".repeat(MIB);
                    TestClient.Response r = c.send(TestClient.produce("t", 0, value));
                    assertThat(r.isError()).as("produce of 1 MiB: %s", r.errorMessage()).isFalse();
                    assertThat(r.body(ProduceResponse.class).messageCount()).isEqualTo(1);
                }
                // Pre-authentication, a connection holds one read buffer, what probes read while it holds under
                // 256 KiB, and a 64 KiB reply backlog; the producer's 1 MiB frame comes on top.
                assertThat(budget.peak()).isLessThan(7 * 512 * 1024 + 2L * MIB);
            } finally {
                stop(pool, attackers);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> budget.used() == 0);
        }
    }

    @Test
    void heldJoinGroupsWithPipelinedMaximumFramesStayWithinTheBudgetAndReleaseItAll() throws Exception {
        long limit = 24L * MIB;
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().memoryBudget(limit)
                .groupMaxRebalanceTimeout(Duration.ofSeconds(2)).build()) {
            int port = b.start();
            MemoryBudget budget = BrokerInternals.memoryBudget(b);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Socket> attackers = new ArrayList<>();
            byte[] tenMiB = unknownTypeFrame(10 * MIB - 64);
            try (TestClient first = TestClient.connect(port)) {
                // A rebalance timeout above the cap is refused (code 2), so no join phase lasts longer than it.
                assertThat(first.send(join("", Integer.MAX_VALUE)).errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
                // A member that will not rejoin: every later join is held until its rebalance timeout (2 s).
                assertThat(first.send(join("", 2_000)).isError()).isFalse();
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                    attackers.add(s);
                    TestClient t = TestClient.wrap(s);
                    t.sendAsync(join("", 2_000)); // held
                    writeInBackground(pool, s, tenMiB, tenMiB, tenMiB, tenMiB);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> budget.used() >= limit);
                // The attackers leave; everything they pinned comes back once their held joins end.
                stop(pool, attackers);
                await().atMost(Duration.ofSeconds(15)).until(() -> budget.used() == 0);
                assertThat(budget.peak()).isLessThan(limit + 4 * (READ_LOOP_SLACK + 64 * 1024));
                try (TestClient c = TestClient.connect(port)) {
                    assertThat(c.send(TestClient.produce("t", 0, "v".repeat(MIB))).isError()).isFalse();
                }
            }
        }
    }

    @Test
    void aPausedConnectionNoticesThePeersCloseAndReleasesEverything() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().build()) {
            int port = b.start();
            MemoryBudget budget = BrokerInternals.memoryBudget(b);
            try (TestClient first = TestClient.connect(port)) {
                assertThat(first.send(join("", 60_000)).isError()).isFalse();
                TestClient attacker = TestClient.connect(port);
                attacker.sendAsync(join("", 60_000)); // held for up to a minute
                // More frames than the connection's queue takes: it pauses reading.
                ByteArrayOutputStream frames = new ByteArrayOutputStream();
                for (int i = 0; i < ConnectionHandler.MAX_QUEUED_FRAMES + 100; i++) {
                    frames.writeBytes(TestClient.frame(100 + i, ApiKey.HEALTH_CHECK.code(), 0, 0, new byte[0]));
                }
                attacker.writeRaw(frames.toByteArray());
                await().atMost(Duration.ofSeconds(10)).until(() -> b.connectionCount() == 2 && budget.used() > 0);
                attacker.close();
                // Noticed within a few probe intervals, not at the end of the minute-long join.
                await().atMost(Duration.ofSeconds(5)).until(() -> b.connectionCount() == 1 && budget.used() == 0);
                assertThat(first.send(new HealthCheckRequest()).isError()).isFalse();
            }
        }
    }

    @Test
    void connectionsPerAddressAreLimited() throws Exception {
        try (EmbeddedBroker b = EmbeddedBroker.builder().temporary().maxConnectionsPerAddress(2).build()) {
            int port = b.start();
            try (TestClient c1 = TestClient.connect(port); TestClient c2 = TestClient.connect(port)) {
                assertThat(c1.send(new HealthCheckRequest()).isError()).isFalse();
                assertThat(c2.send(new HealthCheckRequest()).isError()).isFalse();
                try (TestClient c3 = TestClient.connect(port)) {
                    assertThat(c3.closedByPeer(Duration.ofSeconds(5))).isTrue();
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> b.connectionCount() == 0);
            try (TestClient c4 = TestClient.connect(port)) {
                assertThat(c4.send(new HealthCheckRequest()).isError()).isFalse();
            }
        }
    }
}
