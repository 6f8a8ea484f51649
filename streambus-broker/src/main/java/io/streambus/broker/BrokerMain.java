package io.streambus.broker;

import io.netty.handler.ssl.ClientAuth;
import io.streambus.broker.group.GroupCoordinatorConfig;
import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.security.LoginThrottle;
import io.streambus.broker.security.TlsServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Command line entry point: {@code java -jar streambus-broker.jar --port 9092 --data-dir ./data}. Prints one line
 * when ready, runs until SIGTERM/SIGINT, and then stops cleanly, flushing everything acknowledged. Exit codes: 0 after
 * a clean stop or {@code --help}, 1 if the broker cannot start, 2 for bad arguments.
 */
public final class BrokerMain {
    static final String USAGE = String.join(System.lineSeparator(),
            "Usage: java -jar streambus-broker.jar --data-dir DIR [options]",
            "",
            "Runs a StreamBus broker (wire protocol v1 plus extensions) until stopped with SIGTERM or Ctrl-C.",
            "",
            "Options:",
            "  --data-dir DIR            data directory, created if missing (required)",
            "  --port N                  TCP port, 0 = any free port (default 9092)",
            "  --host ADDR               listen address (default 127.0.0.1)",
            "  --core-only               serve protocol v1 only; close connections on extension requests,",
            "                            like the reference broker",
            "  --flush POLICY            every-write | interval:<ms> | os (default os)",
            "  --no-auto-create          Produce/Fetch do not create missing topics",
            "  --segment-bytes N         roll log segments at N bytes (default 67108864)",
            "  --retention-bytes N       delete old segments while a partition would keep N bytes without them;",
            "                            0 keeps only the active segment, -1 (default) keeps everything",
            "  --retention-ms N          delete segments older than N ms (default forever)",
            "  --segment-ms N            roll a segment whose first message is N ms old (default 604800000)",
            "  --idle-timeout-ms N       close connections idle for N ms (default 600000)",
            "  --offset-retention R      keep committed offsets of empty groups: 7d, PT24H or never (default 7d)",
            "  --no-share-groups         do not serve share groups (B.13; served by default)",
            "  --no-txn-share-acks       do not serve transactional share acknowledgements (B.13.15)",
            "  --no-durable-membership   drop group membership at every restart (kept by default)",
            "  --group-initial-delay-ms N  wait N ms in a new group's first rebalance (default 0)",
            "  --group-max-rebalance-timeout-ms N  largest rebalance timeout a JoinGroup may ask for (default 300000)",
            "",
            "Limits:",
            "  --memory-budget-bytes N   bytes of unanswered requests, unwritten replies and blocks being",
            "                            decompressed (default a quarter of the max heap, at least 64 MiB)",
            "  --max-connections N       open connections (default 10000)",
            "  --max-connections-per-address N  open connections from one IP address (default 1000)",
            "  --pre-auth-max-frame-bytes N  with --auth-required, largest frame before authentication (default 65536)",
            "  --max-partitions-per-request N  partitions in one OffsetCommit/OffsetFetch (default 10000)",
            "  --max-topics N            topics the broker holds (default 10000)",
            "  --max-partitions-per-topic N  partitions of one topic (default 1000)",
            "  --max-open-segment-files N  segment files open at once; least recently used idle ones are",
            "                            closed beyond it (default 1000, at least 4)",
            "",
            "Security (passwords: a literal, env:VARIABLE or file:PATH):",
            "  --users FILE              serve SASL PLAIN/SCRAM with these users (see UsersTool)",
            "  --sasl-mechanisms LIST    comma-separated, default PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
            "  --auth-required           refuse requests until the connection authenticates",
            "  --auth-failure-delay-ms N     hold the reply to a first failed login from an address N ms,",
            "                            doubling per further failure (default 100; 0 = no throttle)",
            "  --auth-failure-delay-max-ms N cap of that delay (default 3000)",
            "  --frame-timeout-ms N      close unauthenticated connections whose frame is incomplete N ms",
            "                            after its first byte (default 10000; 0 = never)",
            "  --acl FILE                authorize requests with this ACL file (default: allow all)",
            "  --tls-keystore FILE       listen with TLS; PKCS12 key store with the broker key",
            "  --tls-keystore-password P",
            "  --tls-keystore-type T     default PKCS12",
            "  --tls-key-password P      default: the key store password",
            "  --tls-truststore FILE     CAs for client certificates",
            "  --tls-truststore-password P",
            "  --tls-client-auth MODE    none | optional | required (default none)",
            "  --tls-principal-mapping RULES  certificate subject -> principal, Kafka ssl.principal.mapping.rules",
            "                            syntax: RULE:pattern/replacement/[LU],...,DEFAULT (default DEFAULT:",
            "                            the full DN); the principal is always tls:<result>",
            "  --help                    print this text");

    private BrokerMain() {
    }

    /** Runs the broker; see the class comment for exit codes. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Parses {@code args}, starts the broker and blocks until the JVM shuts down. Returns an exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        EmbeddedBroker.Builder builder;
        try {
            builder = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (builder == null) {
            out.println(USAGE);
            return 0;
        }
        EmbeddedBroker broker = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // SIGTERM: stop accepting, finish requests in progress, flush everything acknowledged.
            broker.close();
            stopped.countDown();
        }, "streambus-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int port;
        try {
            port = broker.start();
        } catch (IOException | RuntimeException e) {
            err.println("error: cannot start broker: " + e.getMessage());
            broker.close();
            return 1;
        }
        out.println("StreamBus broker listening on " + broker.host() + ":" + port + ", data in " + broker.dataDir());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Returns the configured builder, or null for {@code --help}. */
    static EmbeddedBroker.Builder parse(String[] args) {
        EmbeddedBroker.Builder b = EmbeddedBroker.builder().port(9092);
        boolean dataDir = false;
        Tls tls = new Tls();
        Duration[] authDelay = {LoginThrottle.DEFAULT_INITIAL_DELAY, LoginThrottle.DEFAULT_MAX_DELAY};
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String inline = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                inline = a.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--core-only" -> b.coreOnly(true);
                case "--no-auto-create" -> b.autoCreateTopics(false);
                case "--auth-required" -> b.authRequired(true);
                case "--no-share-groups" -> b.shareGroups(null);
                case "--no-txn-share-acks" -> b.txnShareAcks(false);
                case "--no-durable-membership" -> b.groupDurableMembership(false);
                case "--data-dir", "--port", "--host", "--flush", "--segment-bytes", "--retention-bytes",
                        "--retention-ms", "--segment-ms", "--idle-timeout-ms", "--users", "--sasl-mechanisms", "--acl",
                        "--tls-keystore", "--tls-keystore-password", "--tls-keystore-type", "--tls-key-password",
                        "--tls-truststore", "--tls-truststore-password", "--tls-client-auth", "--offset-retention",
                        "--group-initial-delay-ms", "--tls-principal-mapping", "--frame-timeout-ms",
                        "--auth-failure-delay-ms", "--auth-failure-delay-max-ms", "--group-max-rebalance-timeout-ms",
                        "--memory-budget-bytes", "--max-connections", "--max-connections-per-address",
                        "--pre-auth-max-frame-bytes", "--max-partitions-per-request", "--max-topics",
                        "--max-partitions-per-topic", "--max-open-segment-files" -> {
                    String v = inline;
                    if (v == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        v = args[++i];
                    }
                    switch (name) {
                        case "--data-dir" -> {
                            b.dataDir(Path.of(v));
                            dataDir = true;
                        }
                        case "--port" -> b.port(intArg(name, v));
                        case "--host" -> b.host(v);
                        case "--flush" -> b.flushPolicy(parseFlush(v));
                        case "--segment-bytes" -> b.segmentBytes(intArg(name, v));
                        case "--retention-bytes" -> b.retentionBytes(longArg(name, v));
                        case "--retention-ms" -> b.retention(Duration.ofMillis(longArg(name, v)));
                        case "--segment-ms" -> b.segmentTime(Duration.ofMillis(longArg(name, v)));
                        case "--idle-timeout-ms" -> b.idleTimeout(Duration.ofMillis(longArg(name, v)));
                        case "--offset-retention" -> b.offsetRetention(
                                GroupCoordinatorConfig.parseRetention(v).orElse(null));
                        case "--group-initial-delay-ms" -> b.groupInitialRebalanceDelay(Duration.ofMillis(longArg(name, v)));
                        case "--users" -> b.users(Path.of(v));
                        case "--sasl-mechanisms" -> b.saslMechanisms(v.split(","));
                        case "--acl" -> b.acl(Path.of(v));
                        case "--tls-principal-mapping" -> b.tlsPrincipalMapping(v);
                        case "--frame-timeout-ms" -> b.frameTimeout(Duration.ofMillis(longArg(name, v)));
                        case "--group-max-rebalance-timeout-ms" ->
                                b.groupMaxRebalanceTimeout(Duration.ofMillis(longArg(name, v)));
                        case "--memory-budget-bytes" -> b.memoryBudget(longArg(name, v));
                        case "--max-connections" -> b.maxConnections(intArg(name, v));
                        case "--max-connections-per-address" -> b.maxConnectionsPerAddress(intArg(name, v));
                        case "--pre-auth-max-frame-bytes" -> b.preAuthMaxFrameBytes(intArg(name, v));
                        case "--max-partitions-per-request" -> b.maxPartitionsPerRequest(intArg(name, v));
                        case "--max-topics" -> b.maxTopics(intArg(name, v));
                        case "--max-partitions-per-topic" -> b.maxPartitionsPerTopic(intArg(name, v));
                        case "--max-open-segment-files" -> b.maxOpenSegmentFiles(intArg(name, v));
                        case "--auth-failure-delay-ms" -> authDelay[0] = Duration.ofMillis(longArg(name, v));
                        case "--auth-failure-delay-max-ms" -> authDelay[1] = Duration.ofMillis(longArg(name, v));
                        case "--tls-keystore" -> tls.keyStore = Path.of(v);
                        case "--tls-keystore-password" -> tls.keyStorePassword = secret(name, v);
                        case "--tls-keystore-type" -> tls.keyStoreType = v;
                        case "--tls-key-password" -> tls.keyPassword = secret(name, v);
                        case "--tls-truststore" -> tls.trustStore = Path.of(v);
                        case "--tls-truststore-password" -> tls.trustStorePassword = secret(name, v);
                        case "--tls-client-auth" -> tls.clientAuth = switch (v) {
                            case "none" -> ClientAuth.NONE;
                            case "optional" -> ClientAuth.OPTIONAL;
                            case "required" -> ClientAuth.REQUIRE;
                            default -> throw new IllegalArgumentException(
                                    "--tls-client-auth: '" + v + "' is not none, optional or required");
                        };
                        default -> throw new IllegalStateException(name);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (!dataDir) {
            throw new IllegalArgumentException("--data-dir is required");
        }
        tls.apply(b);
        b.authFailureDelay(authDelay[0], authDelay[1]);
        try {
            b.build(); // contradictions (e.g. --auth-required without --users) are usage errors
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return b;
    }

    /** TLS options, applied together. */
    private static final class Tls {
        Path keyStore;
        char[] keyStorePassword;
        String keyStoreType;
        char[] keyPassword;
        Path trustStore;
        char[] trustStorePassword;
        ClientAuth clientAuth;

        void apply(EmbeddedBroker.Builder b) {
            if (keyStore == null) {
                if (trustStore != null || clientAuth != null || keyStorePassword != null) {
                    throw new IllegalArgumentException("TLS options need --tls-keystore");
                }
                return;
            }
            TlsServerConfig.Builder t = TlsServerConfig.builder().keyStore(keyStore, keyStorePassword);
            if (keyStoreType != null) {
                t.keyStoreType(keyStoreType);
            }
            if (keyPassword != null) {
                t.keyPassword(keyPassword);
            }
            if (trustStore != null) {
                t.trustStore(trustStore, trustStorePassword);
            }
            ClientAuth auth = clientAuth == null ? ClientAuth.NONE : clientAuth;
            if (auth != ClientAuth.NONE && trustStore == null) {
                throw new IllegalArgumentException("--tls-client-auth " + auth + " needs --tls-truststore");
            }
            b.tls(t.clientAuth(auth).build());
        }
    }

    /** A password: {@code env:NAME}, {@code file:PATH} (first line) or the literal value. */
    static char[] secret(String option, String v) {
        if (v.startsWith("env:")) {
            String value = System.getenv(v.substring(4));
            if (value == null) {
                throw new IllegalArgumentException(option + ": environment variable " + v.substring(4) + " is not set");
            }
            return value.toCharArray();
        }
        if (v.startsWith("file:")) {
            try {
                String content = java.nio.file.Files.readString(Path.of(v.substring(5)));
                int nl = content.indexOf('\n');
                return (nl >= 0 ? content.substring(0, nl) : content).strip().toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException(option + ": cannot read " + v.substring(5) + ": " + e.getMessage());
            }
        }
        return v.toCharArray();
    }

    /** {@code every-write}, {@code os} or {@code interval:<ms>}. */
    static FlushPolicy parseFlush(String v) {
        if (v.equals("every-write")) {
            return FlushPolicy.EVERY_WRITE;
        }
        if (v.equals("os")) {
            return FlushPolicy.OS;
        }
        if (v.startsWith("interval:")) {
            long ms = longArg("--flush interval", v.substring("interval:".length()));
            return FlushPolicy.interval(Duration.ofMillis(ms));
        }
        throw new IllegalArgumentException("--flush: '" + v + "' is not every-write, interval:<ms> or os");
    }

    private static int intArg(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a number");
        }
    }

    private static long longArg(String name, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a number");
        }
    }
}
