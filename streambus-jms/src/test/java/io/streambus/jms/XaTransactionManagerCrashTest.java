package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAResource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction manager's own JVM dies between prepare and commit (issue 12's "crash between prepare and commit
 * followed by recovery"): Narayana in a child JVM ({@link TmCrashChild}) prepares an H2 row and a StreamBus message
 * in one JTA transaction, logs its commit decision and halts on its first commit call. Until recovery, the message is
 * a prepared branch (listed by {@code recover}, invisible to read_committed) and the row is not visible. A second
 * child JVM starts Narayana on the same object store, as an application server restarting does, and its recovery
 * manager commits both branches: afterwards the row and the message are there together, exactly once, and nothing is
 * left in doubt.
 */
@ExtendWith(LeakCheck.class)
class XaTransactionManagerCrashTest {
    private static final String TOPIC = "tm-crash-orders";

    @TempDir
    Path dir;

    @Test
    void aTransactionManagerKilledAfterItsDecisionCommitsBothBranchesOnRecovery() throws Exception {
        String jdbc = "jdbc:h2:" + dir.resolve("db") + ";WRITE_DELAY=0";
        JdbcDataSource database = new JdbcDataSource();
        database.setURL(jdbc);
        try (java.sql.Connection c = database.getConnection()) {
            c.createStatement().execute("create table orders (id varchar(64) primary key)");
        }
        try (EmbeddedBroker broker = EmbeddedBroker.builder().port(0).dataDir(dir.resolve("broker")).build()) {
            String url = "streambus://127.0.0.1:" + broker.start() + "?requestTimeout=5000&closeTimeout=5000"
                    + "&sendTimeout=5000";
            String prefix = "tm-crash";
            String store = dir.toString(); // Narayana's object store goes in dir/narayana
            StreamBusConnectionFactory readers = new StreamBusConnectionFactory(url + "&isolation.level=read_committed");
            try (Connection reader = readers.createConnection()) {
                reader.setClientID("tm-crash-reader");
                Session session = reader.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer orders = session.createDurableSubscriber(session.createTopic(TOPIC), "orders");
                reader.start();

                Process crash = child("crash", url, prefix, store, jdbc, TOPIC, "order-1");
                assertThat(crash.waitFor(120, TimeUnit.SECONDS)).as("the TM's JVM ended").isTrue();
                assertThat(crash.exitValue()).as("halted on its first commit").isEqualTo(TmCrashChild.HALTED);

                // In doubt: the broker lists the prepared branch, read_committed sees nothing, nor does the database.
                assertThat(preparedBranches(url, prefix)).isEqualTo(1);
                assertThat(orders.receive(300)).isNull();
                assertThat(rows(database)).isZero();

                Process recover = child("recover", url, prefix, store, jdbc);
                assertThat(recover.waitFor(120, TimeUnit.SECONDS)).as("recovery ended").isTrue();
                assertThat(recover.exitValue()).as("recovery's exit code").isZero();

                TextMessage m = (TextMessage) orders.receive(10_000);
                assertThat(m).as("the message, committed by recovery").isNotNull();
                assertThat(m.getText()).isEqualTo("order-1");
                assertThat(orders.receive(300)).as("exactly once").isNull();
                assertThat(rows(database)).as("the row, committed by recovery").isEqualTo(1);
                assertThat(preparedBranches(url, prefix)).as("nothing left in doubt").isZero();
            }
        }
    }

    private static int preparedBranches(String url, String prefix) throws Exception {
        StreamBusXAConnectionFactory f = new StreamBusXAConnectionFactory(url);
        f.setXaPrefix(prefix);
        try (XAConnection c = f.createXAConnection()) {
            return c.createXASession().getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)
                    .length;
        }
    }

    private static int rows(JdbcDataSource database) throws Exception {
        try (java.sql.Connection c = database.getConnection();
             PreparedStatement st = c.prepareStatement("select count(*) from orders where id = 'order-1'");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private Process child(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[args.length + 5];
        command[0] = java;
        command[1] = "-Xmx128m";
        command[2] = "-cp";
        command[3] = System.getProperty("java.class.path");
        command[4] = TmCrashChild.class.getName();
        System.arraycopy(args, 0, command, 5, args.length);
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(Path.of("target", "tm-crash-" + args[0] + ".log").toFile()))
                .start();
    }
}
