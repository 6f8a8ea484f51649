package io.streambus.broker;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.security.Authorizer;
import io.streambus.broker.security.CredentialStore;
import io.streambus.broker.security.LoginThrottle;
import io.streambus.broker.security.TlsPrincipalMapper;
import io.streambus.broker.security.TlsServerConfig;
import io.streambus.broker.server.BrokerConfig;
import io.streambus.broker.server.BrokerRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A StreamBus broker that runs inside the calling JVM: the wire protocol of the spec (Part A, and the Part B
 * extensions it advertises in ApiVersions) on a TCP port, backed by a durable segmented log in a data directory.
 *
 * <p>What it serves: every Part A request with the conforming-broker rules (A.6, A.8); ApiVersions (B.4) with the
 * feature bits PRESERVES_HEADERS_AND_TIMESTAMPS and COMPRESSION (gzip, snappy, lz4, zstd, B.11); consumer groups and
 * committed offsets (B.6, 0x08-0x0D, 0x13, 0x14); SASL PLAIN and SCRAM (B.5) when {@link Builder#users users} are
 * configured, with AUTH_REQUIRED if {@link Builder#authRequired asked}; TLS and mTLS with {@link Builder#tls};
 * ACLs with {@link Builder#acl}. Transactions (0x0E-0x12) are not served: they get code 1 and are not advertised.
 * {@link Builder#coreOnly(boolean) Core-only mode} serves Part A only and behaves like the reference broker on
 * everything else.
 *
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.builder().temporary().build()) {
 *     int port = broker.start();          // port(0) is the default: any free port
 *     ... connect clients to 127.0.0.1:port ...
 * }                                        // close(): flush, stop, delete the temporary directory
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} binds and returns the port; {@link #stop()} closes every connection, flushes the
 * log to disk and releases the data directory, after which {@link #start()} may be called again (same data
 * directory, and the same port as the first start, so clients reconnect to the same address); {@link #close()} stops
 * for good (and deletes a {@link Builder#temporary() temporary} data directory). A data directory is locked while a
 * broker runs on it; a second broker on the same directory fails to start.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    private final BrokerConfig config;
    private final boolean temporaryDir;
    private BrokerRuntime runtime;
    private int boundPort;
    private boolean closed;

    private EmbeddedBroker(BrokerConfig config, boolean temporaryDir) {
        this.config = config;
        this.temporaryDir = temporaryDir;
        this.boundPort = config.port();
    }

    /** A builder with the defaults listed on each of its methods. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Opens the data directory (recovering the log), binds the port and starts serving. Does nothing but return the
     * port if already running.
     *
     * @return the bound port
     * @throws IOException if the data directory cannot be opened or locked, or the port cannot be bound
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized int start() throws IOException {
        if (closed) {
            throw new IllegalStateException("broker is closed");
        }
        if (runtime != null) {
            return boundPort;
        }
        BrokerRuntime r = BrokerRuntime.start(config, boundPort);
        runtime = r;
        boundPort = r.port();
        LOG.info("StreamBus broker started on {}:{}, data in {} ({})", config.host(), boundPort, config.dataDir(),
                config.describe());
        return boundPort;
    }

    /**
     * Stops serving: closes the listener and every connection, waits for requests in progress, flushes everything
     * acknowledged to disk and releases the data directory. Idempotent. The broker can be started again.
     */
    public synchronized void stop() {
        BrokerRuntime r = runtime;
        if (r == null) {
            return;
        }
        runtime = null;
        r.stop();
        LOG.info("StreamBus broker on {}:{} stopped", config.host(), boundPort);
    }

    /** Stops (see {@link #stop()}) for good and deletes a temporary data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stop();
        closed = true;
        if (temporaryDir) {
            deleteRecursively(config.dataDir());
        }
    }

    /** True while serving. */
    public synchronized boolean isRunning() {
        return runtime != null;
    }

    /** The bound port while running or after a stop; before the first start, the configured port (maybe 0). */
    public synchronized int port() {
        return boundPort;
    }

    /** The listen address. */
    public String host() {
        return config.host();
    }

    /** {@code host:port} for client bootstrap lists. */
    public synchronized String address() {
        return config.host() + ":" + boundPort;
    }

    /** The data directory. */
    public Path dataDir() {
        return config.dataDir();
    }

    /** The effective configuration (for diagnostics). */
    public BrokerConfig config() {
        return config;
    }

    /** Number of open client connections; 0 when stopped. */
    public synchronized int connectionCount() {
        return runtime == null ? 0 : runtime.connectionCount();
    }

    /** Internal: the running components, for tests of this module; null when stopped. */
    synchronized BrokerRuntime runtime() {
        return runtime;
    }

    @Override
    public String toString() {
        return "EmbeddedBroker[" + address() + ", " + config.dataDir() + (isRunning() ? ", running]" : ", stopped]");
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete temporary data directory {}: {}", dir, e.getMessage());
        }
    }

    /**
     * Builder of {@link EmbeddedBroker}. Not thread-safe; use from one thread. Every setter validates its argument
     * and throws {@link IllegalArgumentException} naming the problem.
     */
    public static final class Builder {
        private final BrokerConfig.Builder cfg = BrokerConfig.builder();
        private boolean temporary;

        private Builder() {
        }

        /** TCP port; 0 (the default) picks a free port, reported by {@link #start()}. */
        public Builder port(int port) {
            cfg.port(port);
            return this;
        }

        /** Listen address; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            cfg.host(host);
            return this;
        }

        /** Data directory (created if missing). Required unless {@link #temporary()} is used. */
        public Builder dataDir(Path dir) {
            cfg.dataDir(Objects.requireNonNull(dir, "dataDir").toAbsolutePath().normalize());
            temporary = false;
            return this;
        }

        /**
         * Use a new temporary data directory, deleted by {@link #close()} (not by {@link #stop()}, so restarts keep
         * the data).
         */
        public Builder temporary() {
            temporary = true; // the directory is made by build(), so an unused builder leaves nothing behind
            return this;
        }

        /**
         * Serve Part A only, behaving like the reference broker on Part B traffic: the connection is closed without
         * a reply on any other request type (A.8.7). Default false. See {@link BrokerConfig#coreOnly()} for the one
         * deliberate difference (extension flags).
         */
        public Builder coreOnly(boolean coreOnly) {
            cfg.coreOnly(coreOnly);
            return this;
        }

        /** Produce and Fetch create missing topics with one partition, as the reference does. Default true. */
        public Builder autoCreateTopics(boolean autoCreate) {
            cfg.autoCreateTopics(autoCreate);
            return this;
        }

        /**
         * When the log is forced to disk; default {@link FlushPolicy#OS}. Whatever the policy, a Produce is
         * acknowledged only after its messages were written to the log file, so a crash of the broker process
         * ({@code kill -9}) loses nothing acknowledged; the policy decides what a crash of the machine can lose
         * ({@link FlushPolicy#EVERY_WRITE}: nothing).
         */
        public Builder flushPolicy(FlushPolicy policy) {
            cfg.flushPolicy(Objects.requireNonNull(policy, "flushPolicy"));
            return this;
        }

        /** Size at which a partition's active log segment is rolled: 1024 bytes to 1 GiB, default 64 MiB. */
        public Builder segmentBytes(int bytes) {
            cfg.segmentBytes(bytes);
            return this;
        }

        /**
         * Delete old segments while a partition would still hold this many bytes without them; 0 keeps only the
         * active segment; default -1 (unlimited). The rule of {@link io.streambus.broker.log.LogConfig#retentionBytes()}.
         */
        public Builder retentionBytes(long bytes) {
            cfg.retentionBytes(bytes);
            return this;
        }

        /** Delete segments whose newest message is older than this; default null (forever). */
        public Builder retention(Duration age) {
            cfg.retention(age);
            return this;
        }

        /**
         * Roll a partition's active segment once its first message is older than this (Kafka's segment.ms), so
         * retention can delete it; default 7 days, null never rolls by time.
         */
        public Builder segmentTime(Duration age) {
            cfg.segmentTime(age);
            return this;
        }

        /** Close connections without traffic for this long (A.8.8); default 10 minutes. */
        public Builder idleTimeout(Duration timeout) {
            cfg.idleTimeout(timeout);
            return this;
        }

        /** Connection limit; connections above it are accepted and closed at once (A.1). Default 10000. */
        public Builder maxConnections(int max) {
            cfg.maxConnections(max);
            return this;
        }

        /**
         * Broker-wide budget, in bytes, for frames read but not answered, replies not yet written and blocks being
         * decompressed: reading pauses while it is spent, and a compressed Produce that does not fit is answered
         * with code 6. Default: a quarter of the maximum heap, at least 64 MiB.
         */
        public Builder memoryBudget(long bytes) {
            cfg.limits(cfg.limits().withMemoryBudgetBytes(bytes));
            return this;
        }

        /** Open connections allowed from one remote IP address; more are accepted and closed at once. Default 1000. */
        public Builder maxConnectionsPerAddress(int max) {
            cfg.limits(cfg.limits().withMaxConnectionsPerAddress(max));
            return this;
        }

        /**
         * With {@link #authRequired}: the largest frame an unauthenticated connection may send (a larger one closes it
         * before it is buffered); such a connection also gets a queue of one request. Default 64 KiB, at least 1 KiB.
         */
        public Builder preAuthMaxFrameBytes(int bytes) {
            cfg.limits(cfg.limits().withPreAuthMaxFrameBytes(bytes));
            return this;
        }

        /** (topic, partition) entries allowed in one OffsetCommit or OffsetFetch (code 2 above). Default 10000. */
        public Builder maxPartitionsPerRequest(int max) {
            cfg.limits(cfg.limits().withMaxPartitionsPerRequest(max));
            return this;
        }

        /** Topics the broker holds; CreateTopic above it gets code 2 and auto-create code 8. Default 10000. */
        public Builder maxTopics(int max) {
            cfg.limits(cfg.limits().withMaxTopics(max));
            return this;
        }

        /** Partitions of one topic; a CreateTopic asking for more gets code 2. Default 1000. */
        public Builder maxPartitionsPerTopic(int max) {
            cfg.limits(cfg.limits().withMaxPartitionsPerTopic(max));
            return this;
        }

        /**
         * Segment files ({@code .log}, {@code .index}) kept open at once; files open on use and the least recently
         * used idle ones are closed beyond this. Default 1000, at least 4.
         */
        public Builder maxOpenSegmentFiles(int max) {
            cfg.limits(cfg.limits().withMaxOpenSegmentFiles(max));
            return this;
        }

        /** Number of network I/O threads; default 0 = Netty's default (two per core). */
        public Builder ioThreads(int threads) {
            cfg.ioThreads(threads);
            return this;
        }

        /**
         * Serve SASL (B.5: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) with the users of this file, read at every start (see
         * {@code UsersTool} for creating it). Without users the broker does not serve SASL.
         */
        public Builder users(Path usersFile) {
            cfg.usersFile(Objects.requireNonNull(usersFile, "usersFile").toAbsolutePath());
            return this;
        }

        /** Serve SASL with these credentials (instead of a users file). */
        public Builder credentials(CredentialStore credentials) {
            cfg.credentials(Objects.requireNonNull(credentials, "credentials"));
            return this;
        }

        /** The SASL mechanisms to enable, in advertisement order; default all three. */
        public Builder saslMechanisms(String... mechanisms) {
            cfg.saslMechanisms(java.util.List.of(mechanisms));
            return this;
        }

        /**
         * Refuse every request but ApiVersions and SASL until the connection has authenticated, and advertise
         * AUTH_REQUIRED (B.4). Needs users. Default false: unauthenticated connections run as {@code anonymous}.
         */
        public Builder authRequired(boolean required) {
            cfg.authRequired(required);
            return this;
        }

        /** With {@link #authRequired}: close connections not authenticated this long after opening; default 30 s. */
        public Builder authTimeout(Duration timeout) {
            cfg.authTimeout(timeout);
            return this;
        }

        /**
         * Authorize requests with this ACL file (read at every start; see {@code AclFile} for the syntax). Denied
         * requests get code 41 (topics, cluster) or 27 (groups) and a log line. Without one, everything is allowed.
         */
        public Builder acl(Path aclFile) {
            cfg.aclFile(Objects.requireNonNull(aclFile, "aclFile").toAbsolutePath());
            return this;
        }

        /** Authorize requests with this authorizer (instead of an ACL file). */
        public Builder authorizer(Authorizer authorizer) {
            cfg.authorizer(Objects.requireNonNull(authorizer, "authorizer"));
            return this;
        }

        /**
         * Listen with TLS (Netty SslHandler, JDK provider). With client authentication required or optional, a
         * verified client certificate gives the connection's principal ({@code tls:} and its subject DN, see
         * {@link #tlsPrincipalMapping}) unless SASL sets another.
         */
        public Builder tls(TlsServerConfig tls) {
            cfg.tls(Objects.requireNonNull(tls, "tls"));
            return this;
        }

        /**
         * How a client certificate's subject becomes the principal: rules in the syntax of Kafka's
         * {@code ssl.principal.mapping.rules} ({@code RULE:pattern/replacement/[LU]}, {@code DEFAULT}; see
         * {@link TlsPrincipalMapper}). The result always gets the prefix {@code tls:}. Default {@code DEFAULT}: the
         * full RFC 2253 DN, e.g. {@code tls:CN=alice,O=Acme}.
         *
         * @throws IllegalArgumentException for malformed rules
         */
        public Builder tlsPrincipalMapping(String rules) {
            cfg.tlsPrincipalMapper(TlsPrincipalMapper.parse(rules));
            return this;
        }

        /**
         * Close a connection that has not authenticated (no SASL login, no client certificate) when a frame's bytes
         * do not all arrive within this time of its first byte, so a trickled frame cannot hold a connection slot.
         * Default 10 s; zero disables.
         */
        public Builder frameTimeout(Duration timeout) {
            cfg.frameTimeout(timeout);
            return this;
        }

        /**
         * Hold the reply to a failed authentication (and its close) for {@code initial} after the first failure
         * from a remote address, doubling with each further failure up to {@code max}; see {@link LoginThrottle}.
         * Default 100 ms up to 3 s; an initial delay of zero disables the throttle.
         */
        public Builder authFailureDelay(Duration initial, Duration max) {
            cfg.authFailureDelay(initial, max);
            return this;
        }

        /**
         * Allowed range of consumer-group session timeouts (B.6.1); JoinGroups outside it get code 21. Default 6 s
         * to 5 min.
         */
        public Builder groupSessionTimeoutRange(Duration min, Duration max) {
            cfg.groups().sessionTimeoutRange(Math.toIntExact(min.toMillis()), Math.toIntExact(max.toMillis()));
            return this;
        }

        /**
         * Broker-wide share-group settings (spec B.13: ShareGroupHeartbeat, ShareFetch, ShareAcknowledge,
         * ShareGroupConfigure, feature bit SHARE_GROUPS); default {@code ShareCoordinatorConfig.DEFAULTS}. Null
         * switches share groups off (the broker then answers 0x15-0x18 with code 1).
         */
        public Builder shareGroups(io.streambus.broker.share.ShareCoordinatorConfig shareGroups) {
            cfg.shareGroups(shareGroups);
            return this;
        }

        /** See {@link BrokerConfig.Builder#txnShareAcks}. */
        public Builder txnShareAcks(boolean txnShareAcks) {
            cfg.txnShareAcks(txnShareAcks);
            return this;
        }

        /** The largest rebalance timeout a JoinGroup may ask for (code 2 above it). Default 5 minutes. */
        public Builder groupMaxRebalanceTimeout(Duration max) {
            cfg.groups().maxRebalanceTimeoutMs(Math.toIntExact(max.toMillis()));
            return this;
        }

        /** Wait this long in a group's first join phase for more members (Kafka's initial delay); default 0. */
        public Builder groupInitialRebalanceDelay(Duration delay) {
            cfg.groups().initialRebalanceDelayMs(Math.toIntExact(delay.toMillis()));
            return this;
        }

        /**
         * Whether group membership (members, generation, assignments) is kept across restarts in the offsets log
         * (default true); false drops it at every restart, as B.6.1 allows.
         */
        public Builder groupDurableMembership(boolean on) {
            cfg.groups().durableMembership(on);
            return this;
        }

        /**
         * How long committed offsets of an Empty group are kept (B.6.8); null keeps them forever. Default 7 days.
         */
        public Builder offsetRetention(Duration retention) {
            if (retention == null) {
                cfg.groups().offsetRetentionNever();
            } else {
                cfg.groups().offsetRetention(retention);
            }
            return this;
        }

        /**
         * Exactly-once settings (B.7, B.12): idempotent produce is on by default; transactions and two-phase commit
         * are served only when {@code eos.transactions()} is set.
         */
        public Builder exactlyOnce(io.streambus.broker.txn.EosConfig eos) {
            cfg.eos(eos);
            return this;
        }

        /**
         * Builds the broker (not started).
         *
         * @throws IllegalStateException for contradictory settings (for example authRequired without users)
         */
        public EmbeddedBroker build() {
            if (!temporary && !cfg.hasDataDir()) {
                throw new IllegalStateException("dataDir(Path) or temporary() is required");
            }
            if (temporary) {
                cfg.dataDir(Path.of(".")).build(); // validates the other settings before a directory is made
                try {
                    cfg.dataDir(Files.createTempDirectory("streambus-broker-").toAbsolutePath());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a temporary data directory", e);
                }
            }
            return new EmbeddedBroker(cfg.build(), temporary);
        }
    }
}
