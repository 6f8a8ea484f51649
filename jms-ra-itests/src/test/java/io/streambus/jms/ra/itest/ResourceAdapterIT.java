package io.streambus.jms.ra.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.jms.StreamBusConnectionFactory;
import io.streambus.jms.ra.itest.app.InboundRowMdb;
import io.streambus.jms.ra.itest.app.Names;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The resource adapter in Payara Micro: boots the server as a child JVM with the RAR, the H2 XA pool and the test
 * application (see {@link PostBootScript}), against an embedded broker and an H2 TCP server in this JVM, and checks
 * each transaction's outcome in the database and on the broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ServerLogOnFailure.class)
class ResourceAdapterIT {
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration OUTCOME_TIMEOUT = Duration.ofSeconds(60);
    private static final String DB_USER = "sa";
    private static final String DB_PASSWORD = "sa";
    /** Provider settings for every connection of the RA: short waits and heartbeats (a share group's members get
     *  their assignment sooner). The health probe keeps its default (1 s, 2 s timeout): at 200 ms a busy machine
     *  missed probes, and each miss made the adapter drop and rebuild an activation's connection. Activations set
     *  their own prefetch (PoolMdb: 1). */
    private static final String CONNECTION_PROPERTIES = "pollInterval=20;fetch.backoff.ms=5;heartbeat.interval.ms=500";

    private static final Path DIR = Path.of(System.getProperty("streambus.appserver.dir", "target/appserver"));
    private static final Path WAR = Path.of(System.getProperty("streambus.appserver.war", "target/itest.war"));

    private Server h2;
    private String jdbcUrl;
    private EmbeddedBroker broker;
    private int brokerPort;
    private PayaraMicroProcess payara;
    private Connection jms;
    private Connection outboundConnection;
    private OutboundReader outbound;

    @BeforeAll
    void start() throws Exception {
        Path run = Files.createDirectories(DIR.resolve("run-" + ProcessHandle.current().pid()));
        h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", run.resolve("h2").toString())
                .start();
        jdbcUrl = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/itest";
        createTables();

        broker = EmbeddedBroker.builder().port(0).host("127.0.0.1").dataDir(run.resolve("broker")).build();
        brokerPort = broker.start();
        try (StreamBusClient admin = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:" + brokerPort))) {
            for (String topic : List.of(Names.OUTBOUND_QUEUE, Names.INBOUND_QUEUE, Names.POISON_QUEUE,
                    Names.POISON_DLQ, Names.POOL_QUEUE)) {
                admin.admin().createTopic(topic, 1).get(10, TimeUnit.SECONDS);
            }
        }
        jms = clientFactory("").createConnection();
        jms.start();
        // The observer of the outbound queue is an ordinary queue consumer (a share group): share groups deliver
        // committed data only (B.13.1), so a rolled-back branch's message must never reach it.
        outboundConnection = clientFactory("").createConnection();
        outboundConnection.start();
        outbound = new OutboundReader(outboundConnection);

        PostBootScript script = new PostBootScript("streambus://127.0.0.1:" + brokerPort, CONNECTION_PROPERTIES,
                jdbcUrl, DB_USER, DB_PASSWORD, DIR.resolve("streambus-ra.rar"), WAR);
        Path scriptFile = script.writeTo(run.resolve("post-boot.asadmin"));
        long t0 = System.nanoTime();
        payara = PayaraMicroProcess.start(DIR.resolve("payara-micro.jar"), run.resolve("payara-root"), freePort(),
                List.of(DIR.resolve("h2.jar"), DIR.resolve("slf4j-api.jar"), DIR.resolve("slf4j-jdk14.jar")),
                scriptFile, run.resolve("payara.log"));
        ServerLogOnFailure.watch(payara);
        payara.awaitReady(BOOT_TIMEOUT);
        System.out.printf("Payara Micro ready in %d ms (%s)%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                payara.logFile());
        assertThat(payara.log()).as("post-boot commands").doesNotContain("returned with result FAILURE");
        assertThat(payara.request("GET", "/" + PostBootScript.CONTEXT_ROOT + "/ping").body()).isEqualTo("ok");
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (payara != null) {
                payara.close();
            }
        } finally {
            if (jms != null) {
                jms.close();
            }
            if (outboundConnection != null) {
                outboundConnection.close();
            }
            if (broker != null) {
                broker.close();
            }
            if (h2 != null) {
                h2.stop();
            }
        }
    }

    @Test
    void aCommittedTransactionWritesTheRowAndSendsTheMessage() throws Exception {
        send("commit-1", "commit");

        assertThat(rows(Names.OUTBOUND_TABLE, "id")).contains("commit-1");
        assertThat(outbound.awaitBody("commit-1", OUTCOME_TIMEOUT)).isTrue();
    }

    @Test
    void setRollbackOnlyWritesNeitherTheRowNorTheMessage() throws Exception {
        send("rolled-back-1", "rollback");
        // A committed marker after it on the same one-partition queue: once the marker is read, a committed
        // rolled-back-1 would have been read before it.
        send("marker-after-rollback", "commit");

        assertThat(outbound.awaitBody("marker-after-rollback", OUTCOME_TIMEOUT)).isTrue();
        assertThat(outbound.seen()).doesNotContain("rolled-back-1");
        assertThat(rows(Names.OUTBOUND_TABLE, "id")).contains("marker-after-rollback")
                .doesNotContain("rolled-back-1");
    }

    @Test
    void theMdbWritesOneRowPerMessageInTheDeliveryTransaction() throws Exception {
        List<String> ids = new ArrayList<>(IntStream.range(0, 20).mapToObj(i -> "in-" + i).toList());
        String rollbackOnce = InboundRowMdb.ROLLBACK_ONCE + "1";
        ids.add(rollbackOnce);
        produce(Names.INBOUND_QUEUE, ids);

        Awaitility.await("a row per message").atMost(OUTCOME_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> Set.copyOf(rows(Names.INBOUND_TABLE, "id")).containsAll(ids));
        List<String> rows = rows(Names.INBOUND_TABLE, "id");
        assertThat(rows).as("exactly one row per message").hasSize(ids.size()).containsExactlyInAnyOrderElementsOf(ids);
        // The first delivery's row was rolled back with its acknowledgement: the committed row is the second's.
        assertThat(deliveryCounts(Names.INBOUND_TABLE, rollbackOnce)).containsExactly(2);
        assertThat(deliveryCounts(Names.INBOUND_TABLE, "in-0")).containsExactly(1);
    }

    @Test
    void aThrowingMdbIsRedeliveredThenDeadLettered() throws Exception {
        produce(Names.POISON_QUEUE, List.of("poison-1"));

        try (Session s = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageConsumer dlq = s.createConsumer(s.createQueue(Names.POISON_DLQ))) {
            Message dead = dlq.receive(OUTCOME_TIMEOUT.toMillis());
            assertThat(dead).as("dead letter").isNotNull();
            assertThat(((TextMessage) dead).getText()).isEqualTo("poison-1");
            // The last delivery's transaction rolled back (not a plain release): the broker archives with TXN_ABORTED.
            assertThat(dead.getStringProperty("JMS_SB_DeadLetterReason")).isEqualTo("TXN_ABORTED");
            assertThat(dead.getStringProperty("sb_dlq_delivery_count"))
                    .isEqualTo(Integer.toString(Names.POISON_MAX_DELIVERIES));
            assertThat(dead.getStringProperty("JMS_SB_OriginalDestination")).isEqualTo("queue://" + Names.POISON_QUEUE);
        }
        // Every delivery was recorded before the bean threw; the last one happened before the dead letter existed.
        assertThat(deliveryCounts(Names.ATTEMPT_TABLE, "poison-1"))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, Names.POISON_MAX_DELIVERIES).boxed().toList());
    }

    @Test
    void everyMdbSessionOfAOnePartitionShareQueueGetsWork() throws Exception {
        List<String> ids = IntStream.range(0, 40).mapToObj(i -> "pool-" + i).toList();
        produce(Names.POOL_QUEUE, ids);

        Awaitility.await("a row per pool message").atMost(OUTCOME_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> rows(Names.POOL_TABLE, "id").size() >= ids.size());
        System.out.println("pool rows (id, instance, thread, concurrent): "
                + rows(Names.POOL_TABLE, "id || ' ' || instance || ' ' || thread || ' ' || concurrent"));
        assertThat(rows(Names.POOL_TABLE, "id")).containsExactlyInAnyOrderElementsOf(ids);
        List<String> concurrent = rows(Names.POOL_TABLE, "concurrent");
        int maxConcurrent = concurrent.stream().mapToInt(Integer::parseInt).max().orElse(0);
        Set<String> threads = new LinkedHashSet<>(rows(Names.POOL_TABLE, "thread"));
        Set<String> instances = new LinkedHashSet<>(rows(Names.POOL_TABLE, "instance"));
        System.out.printf("pool: max concurrent %d, threads %s, instances %d%n", maxConcurrent, threads,
                instances.size());
        // Payara gives each of the adapter's sessions its own endpoint, and so its own bean instance: N instances
        // are N sessions that received work.
        assertThat(instances).as("bean instances (= adapter sessions) that received work")
                .hasSize(Names.POOL_SESSIONS);
        assertThat(maxConcurrent).as("deliveries running at once").isBetween(2, Names.POOL_SESSIONS);
    }

    // ---- helpers

    private void send(String id, String outcome) throws IOException, InterruptedException {
        HttpResponse<String> r = payara.request("POST",
                "/" + PostBootScript.CONTEXT_ROOT + "/send?id=" + id + "&outcome=" + outcome);
        assertThat(r.statusCode()).as("POST /send %s %s: %s", id, outcome, r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(outcome);
    }

    private void produce(String queue, List<String> bodies) throws JMSException {
        try (Session s = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
             MessageProducer p = s.createProducer(s.createQueue(queue))) {
            for (String b : bodies) {
                p.send(s.createTextMessage(b));
            }
        }
    }

    private StreamBusConnectionFactory clientFactory(String extra) {
        return new StreamBusConnectionFactory("streambus://127.0.0.1:" + brokerPort
                + "?fetch.backoff.ms=5&pollInterval=20" + extra);
    }

    private void createTables() throws SQLException {
        try (java.sql.Connection db = DriverManager.getConnection(jdbcUrl, DB_USER, DB_PASSWORD);
             Statement st = db.createStatement()) {
            st.execute("CREATE TABLE " + Names.OUTBOUND_TABLE + " (id VARCHAR(100))");
            st.execute("CREATE TABLE " + Names.INBOUND_TABLE + " (id VARCHAR(100), delivery_count INT)");
            st.execute("CREATE TABLE " + Names.ATTEMPT_TABLE + " (id VARCHAR(100), delivery_count INT)");
            st.execute("CREATE TABLE " + Names.POOL_TABLE
                    + " (id VARCHAR(100), instance VARCHAR(100), thread VARCHAR(200), concurrent INT)");
        }
    }

    /** Column {@code column} of every committed row of {@code table}, as strings. */
    private List<String> rows(String table, String column) throws SQLException {
        List<String> out = new ArrayList<>();
        try (java.sql.Connection db = DriverManager.getConnection(jdbcUrl, DB_USER, DB_PASSWORD);
             Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + column + " FROM " + table)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** delivery_count of each row of {@code table} with {@code id}, ascending. */
    private List<Integer> deliveryCounts(String table, String id) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (java.sql.Connection db = DriverManager.getConnection(jdbcUrl, DB_USER, DB_PASSWORD);
             PreparedStatement st = db.prepareStatement(
                     "SELECT delivery_count FROM " + table + " WHERE id = ? ORDER BY delivery_count")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Reads the outbound queue (a read_committed consumer-group member in this JVM) and remembers every body, so
     * tests in any order can ask whether a body was ever committed. Not thread-safe (the test thread only).
     */
    private static final class OutboundReader {
        private final Session session;
        private final MessageConsumer consumer;
        private final Set<String> seen = new LinkedHashSet<>();

        OutboundReader(Connection c) throws JMSException {
            session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            consumer = session.createConsumer(session.createQueue(Names.OUTBOUND_QUEUE));
        }

        /** Reads until {@code body} has been seen or {@code timeout} passed; true if seen. */
        boolean awaitBody(String body, Duration timeout) throws JMSException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!seen.contains(body)) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                Message m = consumer.receive(left);
                if (m != null) {
                    seen.add(((TextMessage) m).getText());
                }
            }
            return true;
        }

        Set<String> seen() {
            return Set.copyOf(seen);
        }
    }
}
