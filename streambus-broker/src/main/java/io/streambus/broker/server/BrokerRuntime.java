package io.streambus.broker.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.streambus.broker.group.GroupCoordinator;
import io.streambus.broker.share.ShareAccess;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.share.CommittedData;
import io.streambus.broker.share.ShareCoordinator;
import io.streambus.broker.log.LogConfig;
import io.streambus.broker.log.LogManager;
import io.streambus.broker.security.Authenticator;
import io.streambus.broker.security.Authorizer;
import io.streambus.broker.security.CredentialStore;
import io.streambus.broker.security.PrivateFiles;
import io.streambus.broker.txn.EosService;
import io.streambus.security.SaslMechanisms;
import io.streambus.protocol.FrameDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of one broker start: log, worker pool, request dispatcher and listener. Created by
 * {@link #start}, torn down by {@link #stop}; a restart builds a new one. Used by
 * {@link io.streambus.broker.EmbeddedBroker}, which serialises calls; not thread-safe on its own.
 */
public final class BrokerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRuntime.class);
    private static final long STOP_TIMEOUT_MS = 10_000;

    private final LogManager logs;
    private final ExecutorService worker;
    private final ScheduledThreadPoolExecutor timers;
    private final GroupCoordinator groups;
    private final EosService eos;
    private final ShareCoordinator shares;
    private final BrokerServer server;
    private final int port;
    private final io.streambus.broker.limits.MemoryBudget budget;

    private BrokerRuntime(LogManager logs, ExecutorService worker, ScheduledThreadPoolExecutor timers,
            GroupCoordinator groups, EosService eos, ShareCoordinator shares, BrokerServer server, int port,
            io.streambus.broker.limits.MemoryBudget budget) {
        this.budget = budget;
        this.logs = logs;
        this.worker = worker;
        this.timers = timers;
        this.groups = groups;
        this.eos = eos;
        this.shares = shares;
        this.server = server;
        this.port = port;
    }

    /**
     * Opens the log in {@code config.dataDir()} and listens on {@code port} (the configured port, or the one bound
     * by an earlier start).
     *
     * @throws IOException when the data directory cannot be opened or the port bound; nothing is left running
     */
    public static BrokerRuntime start(BrokerConfig config, int port) throws IOException {
        // Security files first: a bad users/ACL file or key store fails the start before anything is opened.
        Security security = Security.resolve(config);
        Function<SocketChannel, ChannelHandler> tlsHandlers = null;
        if (config.tls() != null) {
            SslContext ssl = config.tls().newNettySslContext();
            tlsHandlers = ch -> config.tls().newHandler(ssl, ch.alloc());
        }
        LogConfig.Builder lc = LogConfig.builder()
                .segmentBytes(config.segmentBytes())
                .flushPolicy(config.flushPolicy())
                .retentionBytes(config.retentionBytes())
                .retentionTime(config.retention())
                .segmentTime(config.segmentTime())
                .maxOpenSegmentFiles(config.limits().maxOpenSegmentFiles());
        // The data directory holds every message and committed offset: private to the broker's user (700).
        PrivateFiles.createDirectories(config.dataDir());
        LogManager logs;
        try {
            logs = LogManager.open(config.dataDir(), lc.build());
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        ExecutorService worker = null;
        ScheduledThreadPoolExecutor timers = null;
        GroupCoordinator groups = null;
        EosService eos = null;
        ShareCoordinator shares = null;
        BrokerServer server = null;
        try {
            worker = newWorkerPool(config);
            if (config.groupsEnabled()) {
                timers = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, "streambus-group-timers");
                    t.setDaemon(true);
                    return t;
                });
                timers.setRemoveOnCancelPolicy(true);
                groups = GroupCoordinator.open(config.dataDir(), config.flushPolicy(), config.groups(),
                        logs::partitionCount,
                        new AclGroupAuthorizer(security.authorizer()), timers);
            }
            if (groups != null && (config.eos().idempotence() || config.eos().transactions())) {
                eos = EosService.open(config.dataDir(), logs, config.flushPolicy(), config.eos(),
                        System::currentTimeMillis, groups::applyTransactionOffsets);
            }
            if (groups != null && config.shareGroups() != null) {
                shares = ShareCoordinator.open(config.dataDir(), config.flushPolicy(), config.shareGroups(), logs,
                        new ShareAccess(security.authorizer()), groups::hasGroup, worker, timers);
                boolean txns = eos != null && eos.transactionsEnabled();
                shares.attachTransactions(txns ? eos.transactions() : null, txns && config.txnShareAcks());
                if (txns) {
                    shares.readCommitted(committedData(eos));
                }
            }
            var budget = new io.streambus.broker.limits.MemoryBudget(config.limits().memoryBudgetBytes());
            RequestDispatcher dispatcher = new RequestDispatcher(config, logs, worker, security, groups, eos, shares,
                    budget);
            server = new BrokerServer(dispatcher, FrameDecoder::forRequests, tlsHandlers,
                    ConnectionSettings.of(config, budget), config.maxConnections(),
                    config.limits().maxConnectionsPerAddress(), config.ioThreads());
            int bound = server.bind(config.host(), port);
            return new BrokerRuntime(logs, worker, timers, groups, eos, shares, server, bound, budget);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close(STOP_TIMEOUT_MS);
            }
            if (worker != null) {
                worker.shutdownNow();
            }
            if (shares != null) {
                shares.close();
            }
            if (eos != null) {
                eos.close();
            }
            if (groups != null) {
                groups.close();
            }
            if (timers != null) {
                timers.shutdownNow();
            }
            logs.close();
            throw e;
        }
    }

    /** Share groups read what a read-committed Fetch would (B.13.1, B.7.7). */
    private static CommittedData committedData(EosService eos) {
        return new CommittedData() {
            @Override
            public long stableOffset(PartitionLog log) {
                return eos.lastStableOffset(log);
            }

            @Override
            public long nextAborted(PartitionLog log, long offset) {
                return eos.nextAborted(log, offset);
            }
        };
    }

    private static ExecutorService newWorkerPool(BrokerConfig config) {
        AtomicInteger n = new AtomicInteger();
        // Produce with every-write blocks a worker in its fsync: enough workers let concurrent producers share one.
        int threads = Math.max(16, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "streambus-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /** Number of open connections. */
    public int connectionCount() {
        return server.connectionCount();
    }

    /** The log (for tests of this module). */
    public LogManager logs() {
        return logs;
    }

    /**
     * Closes the listener and all connections, lets work in progress finish (at most 10 s), then flushes and closes
     * the log. Everything acknowledged before the stop is on disk afterwards.
     */
    public void stop() {
        server.close(STOP_TIMEOUT_MS);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOG.warn("requests still running after {} ms; stopping anyway", STOP_TIMEOUT_MS);
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.shutdownNow();
        }
        if (shares != null) {
            try {
                shares.close(); // writes what is queued and closes the share state log
            } catch (RuntimeException e) {
                LOG.warn("closing the share coordinator: {}", e.getMessage());
            }
        }
        if (eos != null) {
            eos.close();
        }
        if (groups != null) {
            try {
                groups.close(); // answers anything still held with 6, syncs and closes the offsets log
            } catch (RuntimeException e) {
                LOG.warn("closing the group coordinator: {}", e.getMessage());
            }
            timers.shutdownNow();
        }
        try {
            logs.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the log: {}", e.getMessage());
        }
    }

    /** The exactly-once service, or null when not served (for tests of this module). */
    public EosService eos() {
        return eos;
    }

    /** The share coordinator, or null when share groups are not served (for tests of this module). */
    public ShareCoordinator shares() {
        return shares;
    }

    /** The broker-wide memory budget (its counters are the broker's memory accounting). */
    public io.streambus.broker.limits.MemoryBudget memoryBudget() {
        return budget;
    }

    /** The group coordinator, or null in core-only mode (for tests of this module). */
    public GroupCoordinator groups() {
        return groups;
    }

    /** Resolved security settings: the SASL authenticator (null when SASL is not served) and the authorizer. */
    record Security(Authenticator authenticator, Authorizer authorizer) {
        static Security resolve(BrokerConfig config) throws IOException {
            CredentialStore store = config.credentials();
            if (config.usersFile() != null) {
                store = CredentialStore.load(config.usersFile());
            }
            Authenticator auth = store == null ? null
                    : Authenticator.builder(store).mechanisms(config.saslMechanisms()).build();
            startWarnings(config, auth).forEach(LOG::warn);
            Authorizer authorizer = config.authorizer();
            if (config.aclFile() != null) {
                authorizer = Authorizer.fromFile(config.aclFile());
            }
            return new Security(auth, authorizer == null ? Authorizer.allowAll() : authorizer);
        }

        /** Security settings an operator should hear about once at start: exposed users file, PLAIN without TLS. */
        static List<String> startWarnings(BrokerConfig config, Authenticator auth) throws IOException {
            List<String> warnings = new ArrayList<>();
            if (config.usersFile() != null) {
                PrivateFiles.exposure(config.usersFile()).ifPresent(w -> warnings.add("users file " + w));
            }
            if (auth != null && auth.isEnabled(SaslMechanisms.PLAIN) && config.tls() == null) {
                warnings.add("SASL PLAIN is enabled on a plaintext (non-TLS) listener: passwords cross the network"
                        + " in the clear; enable TLS or leave PLAIN out of the SASL mechanisms");
            }
            return warnings;
        }

        static Security none() {
            return new Security(null, Authorizer.allowAll());
        }
    }
}
