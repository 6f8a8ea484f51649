package io.streambus.broker.server;

import io.streambus.broker.group.GroupCoordinatorConfig;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.security.Authorizer;
import io.streambus.broker.security.CredentialStore;
import io.streambus.broker.security.LoginThrottle;
import io.streambus.broker.security.TlsPrincipalMapper;
import io.streambus.broker.security.TlsServerConfig;
import io.streambus.security.SaslMechanisms;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Effective broker settings, immutable. Built by {@link io.streambus.broker.EmbeddedBroker.Builder}; see there for the
 * meaning and default of each setting.
 *
 * <p><b>Core-only mode</b> ({@link #coreOnly()}) emulates the reference broker on Part B request types (the
 * connection is closed without a reply, A.8.7), and also on every other unknown type. One deliberate deviation: a
 * request carrying an extension flag (0x0002, 0x0020, 0x0040) is answered with code 2 InvalidRequest, as the spec
 * requires of a conforming broker (B.2), instead of being misparsed as the reference would (a compressed Produce
 * crashes the reference, B.9). Other flag bits are ignored, as on the reference.
 */
public final class BrokerConfig {
    private final String host;
    private final int port;
    private final Path dataDir;
    private final boolean coreOnly;
    private final io.streambus.broker.txn.EosConfig eos;
    private final boolean autoCreateTopics;
    private final FlushPolicy flushPolicy;
    private final io.streambus.broker.share.ShareCoordinatorConfig shareGroups;
    private final boolean txnShareAcks;
    private final int segmentBytes;
    private final long retentionBytes;
    private final Duration retention;
    private final Duration segmentTime;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final int ioThreads;
    private final Path usersFile;
    private final CredentialStore credentials;
    private final List<String> saslMechanisms;
    private final boolean authRequired;
    private final Duration authTimeout;
    private final Path aclFile;
    private final Authorizer authorizer;
    private final TlsServerConfig tls;
    private final TlsPrincipalMapper tlsPrincipalMapper;
    private final Duration frameTimeout;
    private final io.streambus.broker.limits.BrokerLimits limits;
    private final Duration authFailureDelay;
    private final Duration authFailureDelayMax;
    private final GroupCoordinatorConfig groups;

    private BrokerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.dataDir = b.dataDir;
        this.coreOnly = b.coreOnly;
        this.eos = b.eos;
        this.autoCreateTopics = b.autoCreateTopics;
        this.flushPolicy = b.flushPolicy;
        this.segmentBytes = b.segmentBytes;
        this.retentionBytes = b.retentionBytes;
        this.retention = b.retention;
        this.segmentTime = b.segmentTime;
        this.idleTimeout = b.idleTimeout;
        this.maxConnections = b.maxConnections;
        this.ioThreads = b.ioThreads;
        this.usersFile = b.usersFile;
        this.credentials = b.credentials;
        this.saslMechanisms = b.saslMechanisms;
        this.authRequired = b.authRequired;
        this.authTimeout = b.authTimeout;
        this.aclFile = b.aclFile;
        this.authorizer = b.authorizer;
        this.tls = b.tls;
        this.tlsPrincipalMapper = b.tlsPrincipalMapper;
        this.frameTimeout = b.frameTimeout;
        this.limits = b.limits;
        this.authFailureDelay = b.authFailureDelay;
        this.authFailureDelayMax = b.authFailureDelayMax;
        this.groups = b.groups.build();
        this.shareGroups = b.coreOnly ? null : b.shareGroups; // core-only mode serves no Part B type
        this.txnShareAcks = b.txnShareAcks;
    }

    /** A builder with defaults. */
    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return host;
    }

    /** Configured port (0 = any free port). */
    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean coreOnly() {
        return coreOnly;
    }

    public boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    public FlushPolicy flushPolicy() {
        return flushPolicy;
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    /**
     * Size retention per partition, with the rule of {@link io.streambus.broker.log.LogConfig#retentionBytes()}:
     * -1 (default) keeps everything; N &ge; 0 deletes whole old segments while the partition would still hold at
     * least N bytes without them, so 0 keeps only the active segment.
     */
    public long retentionBytes() {
        return retentionBytes;
    }

    /** null = keep forever. */
    public Duration retention() {
        return retention;
    }

    /** Age at which the active segment is rolled (segment.ms); null = never by time. */
    public Duration segmentTime() {
        return segmentTime;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int ioThreads() {
        return ioThreads;
    }

    /** Users file (SCRAM credentials) read at each start, or null. */
    public Path usersFile() {
        return usersFile;
    }

    /** Credentials given directly, or null. */
    public CredentialStore credentials() {
        return credentials;
    }

    /** True if SASL (0x20, 0x21) is served: a users file or credentials are configured. */
    public boolean saslEnabled() {
        return usersFile != null || credentials != null;
    }

    /** Enabled SASL mechanisms in advertisement order. */
    public List<String> saslMechanisms() {
        return saslMechanisms;
    }

    /** Requests other than ApiVersions and SASL are refused until the connection authenticates (B.4, B.5.3). */
    public boolean authRequired() {
        return authRequired;
    }

    /** With {@link #authRequired()}: connections not authenticated this long after opening are closed. */
    public Duration authTimeout() {
        return authTimeout;
    }

    /** ACL file read at each start, or null. */
    public Path aclFile() {
        return aclFile;
    }

    /** Authorizer given directly, or null. */
    public Authorizer authorizer() {
        return authorizer;
    }

    /** TLS listener settings, or null for plain TCP. */
    public TlsServerConfig tls() {
        return tls;
    }

    /** Maps client certificate subjects to principals ({@code tls:<DN>} by default). */
    public TlsPrincipalMapper tlsPrincipalMapper() {
        return tlsPrincipalMapper;
    }

    /**
     * A frame whose first byte arrived this long ago but which is still incomplete closes an unauthenticated
     * connection; zero disables the check.
     */
    public Duration frameTimeout() {
        return frameTimeout;
    }

    /** Memory, connection, request-size and topic limits. */
    public io.streambus.broker.limits.BrokerLimits limits() {
        return limits;
    }

    /** Delay of the reply to a first failed authentication from an address; zero disables throttling. */
    public Duration authFailureDelay() {
        return authFailureDelay;
    }

    /** Cap of the doubling failed-authentication delay. */
    public Duration authFailureDelayMax() {
        return authFailureDelayMax;
    }

    /** True if consumer groups and committed offsets (0x08-0x0D, 0x13, 0x14) are served: not in core-only mode. */
    public boolean groupsEnabled() {
        return !coreOnly;
    }

    /** Group coordinator settings (session timeout range, initial rebalance delay, offset retention). */
    public GroupCoordinatorConfig groups() {
        return groups;
    }

    /** Exactly-once settings (B.7, B.12); never applied in core-only mode. */
    public io.streambus.broker.txn.EosConfig eos() {
        return eos;
    }

    /**
     * Share-group settings (spec B.13), or null when share groups are not served (core-only mode, or switched off).
     * When set, the broker serves 0x15-0x18 and advertises SHARE_GROUPS.
     */
    public io.streambus.broker.share.ShareCoordinatorConfig shareGroups() {
        return shareGroups;
    }

    /**
     * Whether transactional share acknowledgements (B.13.15, TXN_SHARE_ACKS) are served; they are only when share
     * groups and transactions are served too. Default true.
     */
    public boolean txnShareAcks() {
        return txnShareAcks;
    }

    /** One-line summary for the start log line. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(coreOnly ? "core-only" : "extended");
        b.append(", flush ").append(flushPolicy);
        if (!autoCreateTopics) {
            b.append(", no auto-create");
        }
        if (tls != null) {
            b.append(", TLS (client certificates ").append(tls.clientAuth().name().toLowerCase()).append(')');
        }
        if (saslEnabled()) {
            b.append(", SASL ").append(String.join("/", saslMechanisms));
            b.append(authRequired ? " required" : " optional");
        }
        if (aclFile != null || (authorizer != null && !authorizer.isAllowAll())) {
            b.append(", ACLs");
        }
        return b.toString();
    }

    /** Builder of {@link BrokerConfig}; not thread-safe. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Path dataDir;
        private boolean coreOnly;
        private boolean autoCreateTopics = true;
        private FlushPolicy flushPolicy = FlushPolicy.OS;
        private int segmentBytes = 64 * 1024 * 1024;
        private long retentionBytes = -1;
        private Duration retention;
        private Duration segmentTime = Duration.ofDays(7);
        private Duration idleTimeout = Duration.ofMinutes(10);
        private int maxConnections = 10_000;
        private int ioThreads;
        private Path usersFile;
        private CredentialStore credentials;
        private List<String> saslMechanisms = SaslMechanisms.ALL;
        private boolean authRequired;
        private Duration authTimeout = Duration.ofSeconds(30);
        private Path aclFile;
        private Authorizer authorizer;
        private TlsServerConfig tls;
        private TlsPrincipalMapper tlsPrincipalMapper = TlsPrincipalMapper.defaultMapper();
        private Duration frameTimeout = Duration.ofSeconds(10);
        private io.streambus.broker.limits.BrokerLimits limits = io.streambus.broker.limits.BrokerLimits.defaults();
        private Duration authFailureDelay = LoginThrottle.DEFAULT_INITIAL_DELAY;
        private Duration authFailureDelayMax = LoginThrottle.DEFAULT_MAX_DELAY;
        private final GroupCoordinatorConfig.Builder groups = GroupCoordinatorConfig.builder();
        private io.streambus.broker.txn.EosConfig eos = io.streambus.broker.txn.EosConfig.defaults();
        private io.streambus.broker.share.ShareCoordinatorConfig shareGroups =
                io.streambus.broker.share.ShareCoordinatorConfig.DEFAULTS;
        private boolean txnShareAcks = true;

        private Builder() {
        }

        /** Exactly-once settings (idempotent produce, transactions); default {@code EosConfig.defaults()}. */
        public Builder eos(io.streambus.broker.txn.EosConfig eos) {
            this.eos = java.util.Objects.requireNonNull(eos, "eos");
            return this;
        }

        /** The group coordinator settings being built (defaults of {@link GroupCoordinatorConfig}). */
        public GroupCoordinatorConfig.Builder groups() {
            return groups;
        }

        public Builder usersFile(Path usersFile) {
            this.usersFile = usersFile;
            return this;
        }

        public Builder credentials(CredentialStore credentials) {
            this.credentials = credentials;
            return this;
        }

        public Builder saslMechanisms(List<String> mechanisms) {
            Objects.requireNonNull(mechanisms, "mechanisms");
            if (mechanisms.isEmpty()) {
                throw new IllegalArgumentException("at least one SASL mechanism must be enabled");
            }
            for (String m : mechanisms) {
                if (!SaslMechanisms.isSupported(m)) {
                    throw new IllegalArgumentException("unknown SASL mechanism '" + m + "' (supported: "
                            + String.join(", ", SaslMechanisms.ALL) + ")");
                }
            }
            this.saslMechanisms = List.copyOf(mechanisms);
            return this;
        }

        public Builder authRequired(boolean authRequired) {
            this.authRequired = authRequired;
            return this;
        }

        public Builder authTimeout(Duration authTimeout) {
            Objects.requireNonNull(authTimeout, "authTimeout");
            if (authTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("authTimeout must be at least 1 ms, got " + authTimeout);
            }
            this.authTimeout = authTimeout;
            return this;
        }

        public Builder aclFile(Path aclFile) {
            this.aclFile = aclFile;
            return this;
        }

        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = authorizer;
            return this;
        }

        public Builder tls(TlsServerConfig tls) {
            this.tls = tls;
            return this;
        }

        public Builder tlsPrincipalMapper(TlsPrincipalMapper mapper) {
            this.tlsPrincipalMapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** The resource limits (default {@link io.streambus.broker.limits.BrokerLimits#defaults()}). */
        public Builder limits(io.streambus.broker.limits.BrokerLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** The resource limits being built. */
        public io.streambus.broker.limits.BrokerLimits limits() {
            return limits;
        }

        /** @param frameTimeout zero disables; otherwise at least 1 ms */
        public Builder frameTimeout(Duration frameTimeout) {
            Objects.requireNonNull(frameTimeout, "frameTimeout");
            if (frameTimeout.isNegative() || (!frameTimeout.isZero() && frameTimeout.toMillis() < 1)) {
                throw new IllegalArgumentException("frameTimeout must be 0 or at least 1 ms, got " + frameTimeout);
            }
            this.frameTimeout = frameTimeout;
            return this;
        }

        /** @param initial zero disables throttling; {@code max} must be at least {@code initial} */
        public Builder authFailureDelay(Duration initial, Duration max) {
            new LoginThrottle(initial, max); // validates
            this.authFailureDelay = initial;
            this.authFailureDelayMax = max;
            return this;
        }

        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public boolean hasDataDir() {
            return dataDir != null;
        }

        public Builder coreOnly(boolean coreOnly) {
            this.coreOnly = coreOnly;
            return this;
        }

        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        public Builder flushPolicy(FlushPolicy flushPolicy) {
            this.flushPolicy = Objects.requireNonNull(flushPolicy, "flushPolicy");
            return this;
        }

        public Builder segmentBytes(int segmentBytes) {
            if (segmentBytes < 1024 || segmentBytes > io.streambus.broker.log.LogConfig.MAX_SEGMENT_BYTES) {
                throw new IllegalArgumentException("segmentBytes must be in 1024.."
                        + io.streambus.broker.log.LogConfig.MAX_SEGMENT_BYTES + ", got " + segmentBytes);
            }
            this.segmentBytes = segmentBytes;
            return this;
        }

        /** -1 for unlimited, otherwise at least 0 (see {@link BrokerConfig#retentionBytes()}). */
        public Builder retentionBytes(long retentionBytes) {
            if (retentionBytes < -1) {
                throw new IllegalArgumentException("retentionBytes must be -1 (unlimited) or at least 0, got "
                        + retentionBytes);
            }
            this.retentionBytes = retentionBytes;
            return this;
        }

        public Builder retention(Duration retention) {
            if (retention != null && (retention.isNegative() || retention.isZero())) {
                throw new IllegalArgumentException("retention must be positive or null (forever), got " + retention);
            }
            this.retention = retention;
            return this;
        }

        public Builder segmentTime(Duration segmentTime) {
            if (segmentTime != null && segmentTime.toMillis() < 1) {
                throw new IllegalArgumentException("segmentTime must be at least 1 ms or null (never), got "
                        + segmentTime);
            }
            this.segmentTime = segmentTime;
            return this;
        }

        public Builder idleTimeout(Duration idleTimeout) {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("idleTimeout must be at least 1 ms, got " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 0) {
                throw new IllegalArgumentException("ioThreads must be >= 0, got " + ioThreads);
            }
            this.ioThreads = ioThreads;
            return this;
        }

        /**
         * Share-group settings (B.13); default {@link io.streambus.broker.share.ShareCoordinatorConfig#DEFAULTS}.
         * Null switches share groups off. Ignored in core-only mode.
         */
        public Builder shareGroups(io.streambus.broker.share.ShareCoordinatorConfig shareGroups) {
            this.shareGroups = shareGroups;
            return this;
        }

        /**
         * Serves transactional share acknowledgements (B.13.15) when share groups and transactions are served;
         * default true. False keeps TXN_SHARE_ACKS unadvertised (flag 0x0020 on ShareAcknowledge then gets 2).
         */
        public Builder txnShareAcks(boolean txnShareAcks) {
            this.txnShareAcks = txnShareAcks;
            return this;
        }

        public BrokerConfig build() {
            if (dataDir == null) {
                throw new IllegalStateException("dataDir is required");
            }
            boolean sasl = usersFile != null || credentials != null;
            if (usersFile != null && credentials != null) {
                throw new IllegalStateException("give either a users file or credentials, not both");
            }
            if (aclFile != null && authorizer != null) {
                throw new IllegalStateException("give either an ACL file or an authorizer, not both");
            }
            if (authRequired && !sasl) {
                throw new IllegalStateException("authRequired needs a users file or credentials");
            }
            if (coreOnly && sasl) {
                throw new IllegalStateException("core-only mode serves no SASL (Part B); remove users/credentials");
            }
            return new BrokerConfig(this);
        }
    }
}
