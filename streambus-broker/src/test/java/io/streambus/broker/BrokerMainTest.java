package io.streambus.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.log.FlushPolicy;
import io.streambus.broker.log.LogConfig;
import io.streambus.broker.server.BrokerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Command line parsing and exit codes (the running CLI is exercised by {@link KillNineTest}). */
class BrokerMainTest {
    @Test
    void parsesEveryOption() {
        EmbeddedBroker b = BrokerMain.parse(new String[] {"--port", "0", "--data-dir", "build-x", "--host=127.0.0.1",
                "--core-only", "--flush", "interval:250", "--no-auto-create", "--segment-bytes", "1048576",
                "--retention-bytes", "1000000", "--retention-ms", "60000", "--segment-ms", "30000",
                "--idle-timeout-ms", "5000"}).build();
        var cfg = b.config();
        assertThat(cfg.port()).isZero();
        assertThat(cfg.dataDir()).isEqualTo(Path.of("build-x").toAbsolutePath().normalize());
        assertThat(cfg.coreOnly()).isTrue();
        assertThat(cfg.autoCreateTopics()).isFalse();
        assertThat(cfg.flushPolicy()).isEqualTo(FlushPolicy.interval(Duration.ofMillis(250)));
        assertThat(cfg.segmentBytes()).isEqualTo(1 << 20);
        assertThat(cfg.retentionBytes()).isEqualTo(1_000_000);
        assertThat(cfg.retention()).isEqualTo(Duration.ofMinutes(1));
        assertThat(cfg.segmentTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(BrokerMain.parse(new String[] {"--data-dir", "d"}).build().config().port()).isEqualTo(9092);
        assertThat(BrokerMain.parse(new String[] {"--data-dir", "d"}).build().config().segmentTime())
                .isEqualTo(Duration.ofDays(7));
        assertThat(BrokerMain.parseFlush("every-write")).isEqualTo(FlushPolicy.EVERY_WRITE);
        assertThat(BrokerMain.parseFlush("os")).isEqualTo(FlushPolicy.OS);
    }

    @Test
    void retentionBytesHasOneRuleOnTheCommandLineTheBrokerAndTheLog() {
        // -1 = unlimited; 0 and up = a limit (0 keeps only the active segment); below -1 is refused everywhere.
        for (long v : new long[] {-1, 0, 1, 1L << 40}) {
            var cfg = BrokerMain.parse(new String[] {"--data-dir", "d", "--retention-bytes", Long.toString(v)})
                    .build().config();
            assertThat(cfg.retentionBytes()).isEqualTo(v);
            assertThat(LogConfig.builder().retentionBytes(cfg.retentionBytes()).build().retentionBytes())
                    .isEqualTo(v);
        }
        assertThat(BrokerMain.parse(new String[] {"--data-dir", "d"}).build().config().retentionBytes())
                .as("default").isEqualTo(-1);
        assertThat(LogConfig.defaults().retentionBytes()).isEqualTo(-1);
        assertThatThrownBy(() -> BrokerConfig.builder().retentionBytes(-2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogConfig.builder().retentionBytes(-2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesSecurityOptions() {
        var cfg = BrokerMain.parse(new String[] {"--data-dir", "d", "--users", "u.properties", "--auth-required",
                "--sasl-mechanisms", "SCRAM-SHA-512,PLAIN", "--acl", "acl.txt", "--tls-keystore", "k.p12",
                "--tls-keystore-password", "pw", "--tls-truststore", "t.p12", "--tls-truststore-password", "pw",
                "--tls-client-auth", "required"}).build().config();
        assertThat(cfg.usersFile()).isEqualTo(Path.of("u.properties").toAbsolutePath());
        assertThat(cfg.authRequired()).isTrue();
        assertThat(cfg.saslMechanisms()).containsExactly("SCRAM-SHA-512", "PLAIN");
        assertThat(cfg.aclFile()).isEqualTo(Path.of("acl.txt").toAbsolutePath());
        assertThat(cfg.tls().clientAuth()).isEqualTo(io.netty.handler.ssl.ClientAuth.REQUIRE);
        assertThat(cfg.tls().keyStorePath()).isEqualTo(Path.of("k.p12"));
        assertThat(BrokerMain.secret("--x", "literal")).isEqualTo("literal".toCharArray());
    }

    @Test
    void parsesHardeningOptions() {
        var cfg = BrokerMain.parse(new String[] {"--data-dir", "d", "--tls-principal-mapping",
                "RULE:^CN=([^,]+),O=Acme$/$1/L,DEFAULT", "--frame-timeout-ms", "2500", "--auth-failure-delay-ms", "50",
                "--auth-failure-delay-max-ms=800"}).build().config();
        assertThat(cfg.tlsPrincipalMapper().rules()).isEqualTo("RULE:^CN=([^,]+),O=Acme$/$1/L,DEFAULT");
        assertThat(cfg.tlsPrincipalMapper().map("CN=Alice,O=Acme")).isEqualTo("alice");
        assertThat(cfg.frameTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(cfg.authFailureDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(cfg.authFailureDelayMax()).isEqualTo(Duration.ofMillis(800));
        var defaults = BrokerMain.parse(new String[] {"--data-dir", "d"}).build().config();
        assertThat(defaults.tlsPrincipalMapper().rules()).isEqualTo("DEFAULT");
        assertThat(defaults.frameTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.authFailureDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.authFailureDelayMax()).isEqualTo(Duration.ofSeconds(3));
        for (String[] bad : new String[][] {{"--tls-principal-mapping", "RULE:x"}, {"--frame-timeout-ms", "-1"},
                {"--auth-failure-delay-ms", "5000"}}) {
            String[] args = new String[bad.length + 2];
            args[0] = "--data-dir";
            args[1] = "d";
            System.arraycopy(bad, 0, args, 2, bad.length);
            assertThatThrownBy(() -> BrokerMain.parse(args)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void parsesLimitOptionsWithTheirDefaults() {
        var cfg = BrokerMain.parse(new String[] {"--data-dir", "d", "--memory-budget-bytes", "100000000",
                "--max-connections", "50", "--max-connections-per-address=5", "--pre-auth-max-frame-bytes", "4096",
                "--max-partitions-per-request", "77", "--max-topics", "12", "--max-partitions-per-topic", "3",
                "--group-max-rebalance-timeout-ms", "60000", "--max-open-segment-files", "64",
                "--no-durable-membership"}).build().config();
        var limits = cfg.limits();
        assertThat(limits.memoryBudgetBytes()).isEqualTo(100_000_000L);
        assertThat(cfg.maxConnections()).isEqualTo(50);
        assertThat(limits.maxConnectionsPerAddress()).isEqualTo(5);
        assertThat(limits.preAuthMaxFrameBytes()).isEqualTo(4096);
        assertThat(limits.maxPartitionsPerRequest()).isEqualTo(77);
        assertThat(limits.maxTopics()).isEqualTo(12);
        assertThat(limits.maxPartitionsPerTopic()).isEqualTo(3);
        assertThat(cfg.groups().maxRebalanceTimeoutMs()).isEqualTo(60_000);
        assertThat(limits.maxOpenSegmentFiles()).isEqualTo(64);
        assertThat(cfg.groups().durableMembership()).isFalse();
        var defaults = BrokerMain.parse(new String[] {"--data-dir", "d"}).build().config();
        assertThat(defaults.limits()).isEqualTo(io.streambus.broker.limits.BrokerLimits.defaults());
        assertThat(defaults.maxConnections()).isEqualTo(10_000);
        assertThat(defaults.groups().maxRebalanceTimeoutMs()).isEqualTo(300_000);
        assertThat(defaults.limits().maxOpenSegmentFiles()).isEqualTo(1000);
        assertThat(defaults.groups().durableMembership()).isTrue();
        for (String[] bad : new String[][] {{"--max-topics", "0"}, {"--pre-auth-max-frame-bytes", "100"},
                {"--memory-budget-bytes", "-1"}, {"--group-max-rebalance-timeout-ms", "0"},
                {"--max-open-segment-files", "3"}}) {
            String[] args = new String[bad.length + 2];
            args[0] = "--data-dir";
            args[1] = "d";
            System.arraycopy(bad, 0, args, 2, bad.length);
            assertThatThrownBy(() -> BrokerMain.parse(args)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void badArgumentsPrintUsageAndExit2() {
        for (String[] args : new String[][] {{}, {"--bogus", "--data-dir", "d"}, {"--data-dir"},
                {"--data-dir", "d", "--port", "x"}, {"--data-dir", "d", "--port", "70000"},
                {"--data-dir", "d", "--flush", "sometimes"}, {"--data-dir", "d", "--flush", "interval:0"},
                {"--data-dir", "d", "--auth-required"}, {"--data-dir", "d", "--sasl-mechanisms", "MD5"},
                {"--data-dir", "d", "--tls-client-auth", "required"},
                {"--data-dir", "d", "--tls-keystore", "k", "--tls-client-auth", "required"},
                {"--data-dir", "d", "--tls-keystore", "k", "--tls-client-auth", "maybe"},
                {"--data-dir", "d", "--core-only", "--users", "u"},
                {"--data-dir", "d", "--tls-keystore", "k", "--tls-keystore-password", "env:NO_SUCH_VAR_42"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = BrokerMain.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
            assertThat(code).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").contains("Usage:");
        }
    }

    @Test
    void helpPrintsUsageAndExits0() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(BrokerMain.run(new String[] {"--help"}, new PrintStream(out), System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--data-dir DIR").contains("--flush POLICY").contains("--segment-ms N");
        assertThatThrownBy(() -> BrokerMain.parse(new String[] {"--port"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--port needs a value");
    }
}
