package io.streambus.broker.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.streambus.broker.group.GroupAuthorizer;
import io.streambus.broker.group.GroupCoordinator;
import io.streambus.broker.group.GroupCoordinatorConfig;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogConfig;
import io.streambus.broker.log.LogManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the broker's request dispatcher: frames as the frame decoder emits them
 * (header + payload; the frame layer has its own target in {@code ProtocolFuzzTest}) go straight into
 * {@link RequestDispatcher#process}, with a real log, group coordinator and offset store behind it and requests
 * run on the calling thread. The corpus ({@code DispatcherFuzzTestInputs/process/}) is seeded with the golden request
 * vectors.
 *
 * <p>The property: {@code process} never throws, its future never completes exceptionally, and every reply frame
 * carries the request id of its request. Regression mode in the default build, fuzzing with {@code -Pslow}.
 */
class DispatcherFuzzTest {
    private static Path dir;
    private static LogManager logs;
    private static ScheduledExecutorService timers;
    private static GroupCoordinator groups;
    private static io.streambus.broker.txn.EosService eos;
    private static io.streambus.broker.share.ShareCoordinator shares;
    private static RequestDispatcher dispatcher;
    private static EmbeddedChannel channel;
    private static ClientConnection connection;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("dispatcher-fuzz");
        BrokerConfig config = BrokerConfig.builder().dataDir(dir).flushPolicy(FlushPolicy.OS).build();
        logs = LogManager.open(dir, LogConfig.builder().flushPolicy(FlushPolicy.OS).segmentBytes(1 << 20).build());
        logs.createTopic("orders", 3);
        logs.createTopic("events", 1);
        timers = Executors.newSingleThreadScheduledExecutor();
        GroupAuthorizer all = new GroupAuthorizer() {
            @Override
            public boolean authorizeGroup(String principal, io.streambus.broker.group.GroupAction action,
                                          String groupId) {
                return true;
            }

            @Override
            public boolean authorizeTopic(String principal, io.streambus.broker.group.GroupAction action,
                                          String topic) {
                return true;
            }
        };
        groups = GroupCoordinator.open(dir, GroupCoordinatorConfig.builder().sessionTimeoutRange(1, 300_000).build(),
                logs::partitionCount, all, timers);
        // Every extension is served, so transactions, XA and share groups are fuzzed too.
        eos = io.streambus.broker.txn.EosService.open(dir, logs, FlushPolicy.OS, config.eos(),
                System::currentTimeMillis, groups::applyTransactionOffsets);
        shares = io.streambus.broker.share.ShareCoordinator.open(dir, FlushPolicy.OS, config.shareGroups(), logs,
                io.streambus.broker.share.ShareAccess.ALLOW_ALL, groups::hasGroup, Runnable::run, timers);
        dispatcher = new RequestDispatcher(config, logs, Runnable::run, BrokerRuntime.Security.none(), groups, eos,
                shares, new io.streambus.broker.limits.MemoryBudget(64L << 20));
        channel = new EmbeddedChannel();
        connection = new ClientConnection(channel);
        dispatcher.connectionOpened(connection);
    }

    @AfterAll
    static void stop() throws IOException {
        dispatcher.connectionClosed(connection);
        channel.finishAndReleaseAll();
        shares.close();
        eos.close();
        groups.close();
        timers.shutdownNow();
        logs.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void process(byte[] data) {
        if (data.length < 12) {
            return; // the frame decoder never emits a shorter frame
        }
        ByteBuf frame = Unpooled.copiedBuffer(data);
        long requestId = frame.getLong(0);
        CompletableFuture<Reply> f = dispatcher.process(connection, frame);
        if (!f.isDone()) {
            f.thenAccept(Reply::discard); // held (JoinGroup, SyncGroup): answered later
            return;
        }
        Reply r = f.join(); // an exceptional completion is a finding
        try {
            ByteBuf out = r.frame();
            if (out != null && out.getLong(out.readerIndex() + 4) != requestId) {
                throw new AssertionError("reply to request " + requestId + " carries id "
                        + out.getLong(out.readerIndex() + 4));
            }
        } finally {
            r.discard();
        }
    }
}
