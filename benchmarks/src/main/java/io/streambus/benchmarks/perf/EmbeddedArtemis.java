package io.streambus.benchmarks.perf;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * An Apache Artemis broker in this JVM for {@link JmsPerf}'s anchor row: persistence on, NIO journal (plus bindings,
 * paging and large messages) under a temporary directory that {@link #close()} deletes, security off, and a Netty TCP
 * acceptor on 127.0.0.1, so its clients go over real sockets like the StreamBus ones. Everything else is Artemis's
 * default (auto-created addresses and queues, paging past the global size, client windows and blocking rules).
 *
 * <p>{@code journalSync} sets Artemis's journal-sync-(non-)transactional: false matches StreamBus's default flush
 * policy ({@code os}: written, not fsynced, on the request path); true matches {@code every-write}. Not thread-safe.
 */
final class EmbeddedArtemis implements AutoCloseable {
    private static final String AUDIT_LEVEL = "org.slf4j.simpleLogger.log.org.apache.activemq.audit";

    private final Path dir;
    private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    private final String url;

    static {
        // Artemis's audit loggers write a line per message at INFO (a standalone broker's logging configuration
        // turns them off): that would measure the logging. slf4j-simple reads a logger's level when the logger is
        // created, so this must run before Artemis's classes load; an explicit setting wins.
        if (System.getProperty(AUDIT_LEVEL) == null) {
            System.setProperty(AUDIT_LEVEL, "warn");
        }
    }

    private EmbeddedArtemis(boolean journalSync) throws Exception {
        this.dir = Files.createTempDirectory("streambus-perf-artemis-");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free now; the acceptor binds it right after
        }
        this.url = "tcp://127.0.0.1:" + port;
        Configuration c = new ConfigurationImpl()
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                .setJournalSyncTransactional(journalSync)
                .setJournalSyncNonTransactional(journalSync)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(dir.resolve("lock").toString());
        c.addAcceptorConfiguration("netty", url);
        server.setConfiguration(c);
    }

    /** Starts a broker; the caller closes it. */
    static EmbeddedArtemis start(boolean journalSync) throws Exception {
        EmbeddedArtemis a = new EmbeddedArtemis(journalSync);
        try {
            a.server.start();
        } catch (Exception e) {
            a.close();
            throw e;
        }
        return a;
    }

    /** A JMS connection factory for this broker with Artemis's client defaults. */
    ActiveMQConnectionFactory connectionFactory() {
        return new ActiveMQConnectionFactory(url);
    }

    /** The acceptor's URL. */
    String url() {
        return url;
    }

    Path dataDir() {
        return dir;
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        System.err.println("could not delete " + p + ": " + e);
                    }
                });
            }
        }
    }
}
