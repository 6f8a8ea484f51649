package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.txn.EosConfig;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.Admin;
import io.streambus.protocol.txn.XaBranch;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TransactionInProgressException;
import jakarta.jms.TransactionRolledBackException;
import jakarta.jms.XAConnection;
import jakarta.jms.XAJMSContext;
import jakarta.jms.XASession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The XA session's {@link XAResource} driven by hand, as a transaction manager would (spec B.7.8.8): two-phase and
 * one-phase commit, rollback, read-only branches, suspend/resume, TMFAIL, recovery listing, heuristic outcomes,
 * timeouts, consumed offsets in the branch, and the refusals.
 */
class XaResourceTest extends BrokerSupport {
    private static final AtomicInteger GTRIDS = new AtomicInteger();

    /** A transaction manager's Xid (Narayana's format id), unique per test run. */
    static Xid xid() {
        byte[] gtrid = ("tm-" + ProcessHandle.current().pid() + "-" + GTRIDS.incrementAndGet() + "-" + System.nanoTime())
                .getBytes(StandardCharsets.UTF_8);
        byte[] bqual = {1, 2};
        return new Xid() {
            @Override
            public int getFormatId() {
                return 131077;
            }

            @Override
            public byte[] getGlobalTransactionId() {
                return gtrid.clone();
            }

            @Override
            public byte[] getBranchQualifier() {
                return bqual.clone();
            }
        };
    }

    private static StreamBusXAConnectionFactory xaFactory(String prefix) {
        StreamBusXAConnectionFactory f = new StreamBusXAConnectionFactory(url(""));
        f.setXaPrefix(prefix);
        f.setXaRetryTimeout(10_000); // a loaded machine can take over 500 ms for a decision
        return f;
    }

    private XAConnection xaConnect(String prefix) throws JMSException {
        XAConnection c = xaFactory(prefix).createXAConnection();
        track(c, true);
        return c;
    }

    /** A read_committed subscriber: it sees only what committed transactions wrote. */
    private MessageConsumer committedReader(Topic t) throws JMSException {
        Connection c = track(factory("isolation.level=read_committed").createConnection(), true);
        return c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(t);
    }

    private static String text(Message m) throws JMSException {
        return m == null ? null : ((TextMessage) m).getText();
    }

    private static boolean listed(Xid[] xids, Xid xid) {
        return Arrays.stream(xids).anyMatch(x -> x.getFormatId() == xid.getFormatId()
                && Arrays.equals(x.getGlobalTransactionId(), xid.getGlobalTransactionId())
                && Arrays.equals(x.getBranchQualifier(), xid.getBranchQualifier()));
    }

    /** A new branch on {@code r} in which {@code p} of session {@code s} sends {@code text}; ended (TMSUCCESS). */
    private static Xid sendInBranch(XAResource r, Session s, MessageProducer p, String text) throws Exception {
        Xid xid = xid();
        r.start(xid, XAResource.TMNOFLAGS);
        p.send(s.createTextMessage(text));
        r.end(xid, XAResource.TMSUCCESS);
        return xid;
    }

    private static int xaCode(Throwable t) {
        return ((XAException) t).errorCode;
    }

    @Test
    void twoPhaseCommitPublishesTheBranchAndRecoverListsItWhilePrepared() throws Exception {
        String prefix = unique("xa2pc");
        XASession s = xaConnect(prefix).createXASession();
        XAResource r = s.getXAResource();
        Topic t = s.createTopic(unique("xa-topic"));
        MessageConsumer reader = committedReader(t);
        MessageProducer p = s.createProducer(t);

        Xid xid = sendInBranch(r, s, p, "in branch");
        assertThat(r.prepare(xid)).isEqualTo(XAResource.XA_OK);
        assertThat(reader.receive(300)).as("prepared, not committed").isNull();

        // A fresh resource (another connection, as a recovering transaction manager) lists it and commits it.
        XAResource recovery = xaConnect(prefix).createXASession().getXAResource();
        Xid[] inDoubt = recovery.recover(XAResource.TMSTARTRSCAN);
        assertThat(listed(inDoubt, xid)).isTrue();
        assertThat(recovery.recover(XAResource.TMENDRSCAN)).isEmpty();
        recovery.commit(xid, false);
        assertThat(text(reader.receive(5000))).isEqualTo("in branch");
        assertThat(listed(recovery.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN), xid)).isFalse();
        // The holder learns the outcome by Xid too: a repeated commit is answered as done.
        r.commit(xid, false);
        assertThat(s.getTransacted()).isTrue();
        assertThatThrownBy(s::commit).isInstanceOf(TransactionInProgressException.class);
        assertThatThrownBy(s::rollback).isInstanceOf(TransactionInProgressException.class);
    }

    @Test
    void rollbackAfterPrepareDropsTheSendsAndOnePhaseCommitPublishes() throws Exception {
        XASession s = xaConnect(unique("xarb")).createXASession();
        XAResource r = s.getXAResource();
        Topic t = s.createTopic(unique("xa-rb"));
        MessageConsumer reader = committedReader(t);
        MessageProducer p = s.createProducer(t);

        Xid first = sendInBranch(r, s, p, "rolled back");
        assertThat(r.prepare(first)).isEqualTo(XAResource.XA_OK);
        r.rollback(first);

        Xid second = sendInBranch(r, s, p, "one phase");
        r.commit(second, true);
        assertThat(text(reader.receive(5000))).isEqualTo("one phase");
        assertThat(reader.receive(200)).isNull();
        // Decided and gone from this resource: a one-phase commit of it now is XAER_NOTA.
        assertThatThrownBy(() -> r.commit(second, true)).satisfies(e -> assertThat(xaCode(e))
                .isEqualTo(XAException.XAER_NOTA));
    }

    @Test
    void aQueueConsumerNeverReceivesWhatARolledBackOrUndecidedBranchSent() throws Exception {
        XASession s = xaConnect(unique("xaq")).createXASession();
        XAResource r = s.getXAResource();
        jakarta.jms.Queue q = s.createQueue(unique("xa-queue"));
        MessageProducer p = s.createProducer(q);
        Session consumerSession = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = consumerSession.createConsumer(q);

        Xid prepared = sendInBranch(r, s, p, "prepared then rolled back");
        assertThat(r.prepare(prepared)).isEqualTo(XAResource.XA_OK);
        Xid ended = sendInBranch(r, s, p, "rolled back without prepare");
        r.rollback(ended);
        Xid undecided = sendInBranch(r, s, p, "committed last");
        assertThat(r.prepare(undecided)).isEqualTo(XAResource.XA_OK);
        // Share groups deliver committed data only (B.13.1): nothing while the branches are undecided.
        assertThat(consumer.receive(500)).as("undecided branches").isNull();
        r.rollback(prepared);
        r.commit(undecided, false);
        assertThat(text(consumer.receive(5000))).isEqualTo("committed last");
        assertThat(consumer.receive(300)).as("rolled-back branches").isNull();
    }

    @Test
    void aBranchWithoutWorkIsReadOnlyAndAssociationRulesHold() throws Exception {
        XASession s = xaConnect(unique("xaro")).createXASession();
        XAResource r = s.getXAResource();
        Topic t = s.createTopic(unique("xa-ro"));
        MessageConsumer reader = committedReader(t);
        Xid idle = xid();
        r.start(idle, XAResource.TMNOFLAGS);
        assertThatThrownBy(() -> r.start(xid(), XAResource.TMNOFLAGS)).as("already associated")
                .satisfies(e -> assertThat(xaCode(e)).isEqualTo(XAException.XAER_PROTO));
        r.end(idle, XAResource.TMSUCCESS);
        assertThatThrownBy(() -> r.start(idle, XAResource.TMNOFLAGS))
                .satisfies(e -> assertThat(xaCode(e)).isEqualTo(XAException.XAER_DUPID));
        assertThat(r.prepare(idle)).isEqualTo(XAResource.XA_RDONLY);
        assertThatThrownBy(() -> r.commit(idle, true)).as("read-only: forgotten")
                .satisfies(e -> assertThat(xaCode(e)).isEqualTo(XAException.XAER_NOTA));

        // Suspend and resume: prepare of a suspended branch is a protocol error; the work before and after counts.
        Xid xid = xid();
        MessageProducer p = s.createProducer(t);
        r.start(xid, XAResource.TMNOFLAGS);
        p.send(s.createTextMessage("before suspend"));
        r.end(xid, XAResource.TMSUSPEND);
        assertThatThrownBy(() -> r.prepare(xid)).satisfies(e -> assertThat(xaCode(e))
                .isEqualTo(XAException.XAER_PROTO));
        assertThatThrownBy(() -> r.start(xid, XAResource.TMJOIN)).as("join is for an ended branch")
                .satisfies(e -> assertThat(xaCode(e)).isEqualTo(XAException.XAER_PROTO));
        r.start(xid, XAResource.TMRESUME);
        p.send(s.createTextMessage("after resume"));
        r.end(xid, XAResource.TMSUCCESS);
        r.start(xid, XAResource.TMJOIN);
        r.end(xid, XAResource.TMSUCCESS);
        assertThat(r.prepare(xid)).isEqualTo(XAResource.XA_OK);
        r.commit(xid, false);
        assertThat(text(reader.receive(5000))).isEqualTo("before suspend");
        assertThat(text(reader.receive(5000))).isEqualTo("after resume");

        // Flags, Xids and other resources.
        assertThatThrownBy(() -> r.start(xid(), XAResource.TMRESUME))
                .satisfies(e -> assertThat(xaCode(e)).isEqualTo(XAException.XAER_NOTA));
        assertThatThrownBy(() -> r.end(xid(), XAResource.TMSUCCESS))
                .satisfies(e -> assertThat(xaCode(e)).isEqualTo(XAException.XAER_NOTA));
        assertThatThrownBy(() -> r.recover(XAResource.TMJOIN))
                .satisfies(e -> assertThat(xaCode(e)).isEqualTo(XAException.XAER_INVAL));
        assertThatThrownBy(() -> r.start(null, XAResource.TMNOFLAGS))
                .satisfies(e -> assertThat(xaCode(e)).isEqualTo(XAException.XAER_INVAL));
        assertThat(r.isSameRM(r)).isTrue();
        assertThat(r.isSameRM(s.getXAResource())).isTrue();
        XAResource other = ((XAConnection) track(xaFactory("xaro").createXAConnection(), false)).createXASession()
                .getXAResource();
        assertThat(r.isSameRM(other)).as("a branch is one producer: no TMJOIN across sessions").isFalse();
    }

    @Test
    void endWithTmFailRollsBackAndPrepareSaysSo() throws Exception {
        XASession s = xaConnect(unique("xafail")).createXASession();
        XAResource r = s.getXAResource();
        Topic t = s.createTopic(unique("xa-fail"));
        MessageConsumer reader = committedReader(t);
        Xid xid = xid();
        r.start(xid, XAResource.TMNOFLAGS);
        s.createProducer(t).send(s.createTextMessage("failed work"));
        r.end(xid, XAResource.TMFAIL);
        assertThatThrownBy(() -> r.prepare(xid)).satisfies(e -> assertThat(xaCode(e))
                .isEqualTo(XAException.XA_RBROLLBACK));
        r.rollback(xid); // the TM's rollback after XA_RB*: accepted (by Xid on the broker)
        assertThat(reader.receive(300)).isNull();
    }

    @Test
    void timeoutsAbortOpenBranchesAndPrepareReportsTheTimeout() throws Exception {
        XASession s = xaConnect(unique("xato")).createXASession();
        XAResource r = s.getXAResource();
        assertThat(r.getTransactionTimeout()).isZero();
        assertThat(r.setTransactionTimeout(901)).as("above the broker's maximum").isFalse();
        assertThat(r.setTransactionTimeout(1)).isTrue();
        assertThat(r.getTransactionTimeout()).isEqualTo(1);
        Topic t = s.createTopic(unique("xa-to"));
        Xid xid = xid();
        r.start(xid, XAResource.TMNOFLAGS);
        s.createProducer(t).send(s.createTextMessage("too slow"));
        try (StreamBusClient raw = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + port))) {
            Admin admin = raw.admin();
            Awaitility.await("the broker aborts the branch at its timeout").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> admin.listXaBranches("", List.of()).get(5, TimeUnit.SECONDS).stream()
                            .filter(b -> Arrays.equals(b.xid().globalTransactionId(), xid.getGlobalTransactionId()))
                            .map(XaBranch::state).anyMatch(st -> st.equals("CompleteAbort")));
        }
        r.end(xid, XAResource.TMSUCCESS);
        assertThatThrownBy(() -> r.prepare(xid)).satisfies(e -> assertThat(xaCode(e))
                .isEqualTo(XAException.XA_RBTIMEOUT));
        assertThat(r.setTransactionTimeout(0)).isTrue();
    }

    @Test
    void aRollbackWhileTheSessionWorksMakesItsSendsFailUntilTheNextBranch() throws Exception {
        XASession s = xaConnect(unique("xarbw")).createXASession();
        XAResource r = s.getXAResource();
        Topic t = s.createTopic(unique("xa-rbw"));
        MessageConsumer reader = committedReader(t);
        MessageProducer p = s.createProducer(t);
        Xid timedOut = xid();
        r.start(timedOut, XAResource.TMNOFLAGS);
        p.send(s.createTextMessage("lost with the branch"));
        r.rollback(timedOut); // the TM's timeout, from its own thread, while the session still works
        assertThatThrownBy(() -> p.send(s.createTextMessage("never sent")))
                .isInstanceOf(TransactionRolledBackException.class).hasMessageContaining("rolled back");
        assertThatThrownBy(() -> r.end(timedOut, XAResource.TMSUCCESS)).satisfies(e -> assertThat(xaCode(e))
                .isEqualTo(XAException.XA_RBROLLBACK));
        Xid next = sendInBranch(r, s, p, "next branch");
        r.commit(next, true);
        assertThat(text(reader.receive(5000))).isEqualTo("next branch");
        assertThat(reader.receive(300)).isNull();
    }

    @Test
    void theTransactionManagerDecidesAfterTheSessionClosed() throws Exception {
        XASession s = xaConnect(unique("xaclose")).createXASession();
        XAResource r = s.getXAResource();
        Topic t = s.createTopic(unique("xa-close"));
        MessageConsumer reader = committedReader(t);
        Xid xid = xid();
        r.start(xid, XAResource.TMNOFLAGS);
        s.createProducer(t).send(s.createTextMessage("sent before close"));
        s.close(); // as JmsTemplate does inside a JTA transaction
        r.end(xid, XAResource.TMSUCCESS);
        assertThat(r.prepare(xid)).isEqualTo(XAResource.XA_OK);
        r.commit(xid, false);
        assertThat(text(reader.receive(5000))).isEqualTo("sent before close");
    }

    @Test
    void heuristicDecisionsAreReportedUntilForgotten() throws Exception {
        String prefix = unique("xaheur");
        XASession s = xaConnect(prefix).createXASession();
        XAResource r = s.getXAResource();
        Topic t = s.createTopic(unique("xa-heur"));
        Xid xid = sendInBranch(r, s, s.createProducer(t), "decided by an operator");
        r.prepare(xid);
        try (StreamBusClient raw = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + port))) {
            raw.admin().decideXaBranchHeuristically(prefix, new io.streambus.protocol.txn.Xid(xid.getFormatId(),
                    xid.getGlobalTransactionId(), xid.getBranchQualifier()), false).get(5, TimeUnit.SECONDS);
        }
        assertThat(listed(r.recover(XAResource.TMSTARTRSCAN), xid)).as("heuristically completed").isTrue();
        r.recover(XAResource.TMENDRSCAN);
        assertThatThrownBy(() -> r.commit(xid, false)).satisfies(e -> assertThat(xaCode(e))
                .isEqualTo(XAException.XA_HEURRB));
        r.forget(xid);
        assertThat(listed(r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN), xid)).isFalse();
        assertThatThrownBy(() -> r.commit(xid, false)).as("forgotten").satisfies(e -> assertThat(xaCode(e))
                .isEqualTo(XAException.XAER_NOTA));
    }

    /** An XA session's durable subscriber {@code "sub"} of a new topic, and a plain publisher that sent m1 and m2. */
    private record Durable(XAConnection connection, XAResource resource, Topic topic, MessageConsumer subscriber,
                           Session plain, MessageProducer publisher) {
    }

    private Durable durableWithTwoMessages(String name) throws JMSException {
        XAConnection c = xaFactory(unique(name)).createXAConnection();
        c.setClientID(unique(name + "-client"));
        track(c, true);
        XASession s = c.createXASession();
        Topic t = s.createTopic(unique(name));
        MessageConsumer sub = s.createDurableSubscriber(t, "sub");
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer out = plain.createProducer(t);
        out.send(plain.createTextMessage("m1"));
        out.send(plain.createTextMessage("m2"));
        return new Durable(c, s.getXAResource(), t, sub, plain, out);
    }

    @Test
    void messagesConsumedInABranchAreAcknowledgedByItsOutcome() throws Exception {
        Durable d = durableWithTwoMessages("xa-ack");
        XAConnection c = d.connection();
        XAResource r = d.resource();
        Topic t = d.topic();
        MessageConsumer sub = d.subscriber();

        Xid rolledBack = xid();
        r.start(rolledBack, XAResource.TMNOFLAGS);
        assertThat(text(sub.receive(5000))).isEqualTo("m1");
        r.end(rolledBack, XAResource.TMSUCCESS);
        assertThat(r.prepare(rolledBack)).as("offsets staged: the branch exists on the broker")
                .isEqualTo(XAResource.XA_OK);
        r.rollback(rolledBack);

        Xid committed = xid();
        r.start(committed, XAResource.TMNOFLAGS);
        Message again = sub.receive(5000);
        assertThat(text(again)).isEqualTo("m1");
        assertThat(again.getJMSRedelivered()).isTrue();
        assertThat(text(sub.receive(5000))).isEqualTo("m2");
        r.end(committed, XAResource.TMSUCCESS);
        assertThat(r.prepare(committed)).isEqualTo(XAResource.XA_OK);
        r.commit(committed, false);
        d.publisher().send(d.plain().createTextMessage("m3"));

        // The subscription's committed position moved with the branch: a new subscriber starts after m2.
        String clientId = c.getClientID();
        c.close();
        Connection next = track(factory().createConnection(), false);
        next.setClientID(clientId);
        next.start();
        MessageConsumer resumed = next.createSession(false, Session.AUTO_ACKNOWLEDGE).createDurableSubscriber(t, "sub");
        assertThat(text(resumed.receive(10000))).isEqualTo("m3");
    }

    @Test
    void receivingOutsideABranchDoesNotAcknowledgeWhatAnUndecidedBranchConsumed() throws Exception {
        Durable d = durableWithTwoMessages("xa-out");
        XAResource r = d.resource();
        MessageConsumer sub = d.subscriber();

        Xid undecided = xid();
        r.start(undecided, XAResource.TMNOFLAGS);
        assertThat(text(sub.receive(5000))).isEqualTo("m1");
        r.end(undecided, XAResource.TMSUCCESS); // m1's position is staged in the branch, not committed
        assertThat(text(sub.receive(5000))).as("outside any branch").isEqualTo("m2");
        r.rollback(undecided);
        // Had m2 been acknowledged as in AUTO_ACKNOWLEDGE, m1's rollback would have nothing to go back to.
        Message again = sub.receive(5000);
        assertThat(text(again)).isEqualTo("m1");
        assertThat(again.getJMSRedelivered()).isTrue();
        assertThat(text(sub.receive(5000))).isEqualTo("m2");
    }

    @Test
    void theSimplifiedApiHasAnXaContext() throws Exception {
        StreamBusXAConnectionFactory f = xaFactory(unique("xactx"));
        Topic t;
        MessageConsumer reader;
        try (XAJMSContext ctx = f.createXAContext()) {
            assertThat(ctx.getTransacted()).isTrue();
            assertThat(ctx.getContext()).isSameAs(ctx);
            XAResource r = ctx.getXAResource();
            t = ctx.createTopic(unique("xa-ctx"));
            reader = committedReader(t);
            Xid xid = xid();
            r.start(xid, XAResource.TMNOFLAGS);
            ctx.createProducer().send(t, "from a context");
            r.end(xid, XAResource.TMSUCCESS);
            assertThat(r.prepare(xid)).isEqualTo(XAResource.XA_OK);
            r.commit(xid, false);
            assertThatThrownBy(ctx::commit).isInstanceOf(jakarta.jms.TransactionInProgressRuntimeException.class);
        }
        assertThat(text(reader.receive(5000))).isEqualTo("from a context");
    }

    @Test
    void aShareGroupQueueIsAcknowledgedWithinTheBranch() throws Exception {
        String queue = unique("xa-q");
        Connection plain = connect();
        Session ps = plain.createSession(false, Session.AUTO_ACKNOWLEDGE);
        XASession s = xaConnect(unique("xaq")).createXASession();
        MessageConsumer consumer = s.createConsumer(s.createQueue(queue)); // a share-group member (B.13.15)
        Topic out = s.createTopic(unique("xa-q-out"));
        MessageConsumer reader = committedReader(out);
        MessageProducer forward = s.createProducer(out);
        ps.createProducer(ps.createQueue(queue)).send(ps.createTextMessage("in"));
        XAResource r = s.getXAResource();

        // Rolled back: the forwarded message is dropped and the queue delivers its message again, counted.
        Xid first = xid();
        r.start(first, XAResource.TMNOFLAGS);
        Message m = consumer.receive(5000);
        assertThat(text(m)).isEqualTo("in");
        forward.send(s.createTextMessage("out of " + text(m)));
        r.end(first, XAResource.TMSUCCESS);
        assertThat(r.prepare(first)).isEqualTo(XAResource.XA_OK);
        r.rollback(first);

        // Committed: the acknowledgement and the forwarded message together.
        Xid second = xid();
        r.start(second, XAResource.TMNOFLAGS);
        Message again = consumer.receive(5000);
        assertThat(text(again)).isEqualTo("in");
        assertThat(again.getJMSRedelivered()).isTrue();
        assertThat(again.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        forward.send(s.createTextMessage("out of " + text(again)));
        r.end(second, XAResource.TMSUCCESS);
        assertThat(r.prepare(second)).isEqualTo(XAResource.XA_OK);
        r.commit(second, false);
        assertThat(text(reader.receive(5000))).isEqualTo("out of in");
        assertThat(reader.receive(300)).as("the rolled back send stays invisible").isNull();

        // Accepted with the branch: no other consumer of the queue gets it again.
        MessageConsumer other = ps.createConsumer(ps.createQueue(queue));
        consumer.close();
        assertThat(other.receive(1000)).isNull();
    }

    @Test
    void aBrokerWithoutTransactionalShareAcknowledgementsRefusesShareQueuesInXaSessions(@TempDir Path dir)
            throws Exception {
        try (EmbeddedBroker noTxnAcks = EmbeddedBroker.builder().port(0).dataDir(dir).txnShareAcks(false).build()) {
            StreamBusXAConnectionFactory f = new StreamBusXAConnectionFactory("streambus://127.0.0.1:"
                    + noTxnAcks.start() + "?requestTimeout=5000");
            XAConnection c = f.createXAConnection();
            try {
                XASession s = c.createXASession();
                assertThatThrownBy(() -> s.createConsumer(s.createQueue(unique("xa-q"))))
                        .isInstanceOf(JMSException.class).hasMessageContaining("TXN_SHARE_ACKS")
                        .satisfies(e -> assertThat(((JMSException) e).getErrorCode()).isEqualTo("txn-share-acks"));
                // Topics still work in the branch, and sending to a queue too (a queue is a topic on the send side).
                s.createConsumer(s.createTopic(unique("xa-t"))).close();
                XAResource r = s.getXAResource();
                Xid xid = sendInBranch(r, s, s.createProducer(s.createQueue(unique("xa-q-out"))), "to a queue");
                r.commit(xid, true);
            } finally {
                c.close();
            }
        }
    }

    @Test
    void aBrokerWithoutTwoPhaseCommitRefusesXaSessionsAtOnce(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker plain = EmbeddedBroker.builder().port(0).dataDir(dir)
                .exactlyOnce(EosConfig.defaults().withTransactions(false)).build()) {
            StreamBusXAConnectionFactory f = new StreamBusXAConnectionFactory("streambus://127.0.0.1:" + plain.start()
                    + "?requestTimeout=5000");
            XAConnection c = f.createXAConnection();
            try {
                assertThatThrownBy(c::createXASession).isInstanceOf(JMSException.class)
                        .hasMessageContaining("TWO_PHASE_COMMIT")
                        .satisfies(e -> assertThat(((JMSException) e).getErrorCode()).isEqualTo("two-phase-commit"));
                // Its ordinary sessions work as from any factory.
                c.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
            } finally {
                c.close();
            }
            assertThatThrownBy(f::createXAContext).isInstanceOf(JMSRuntimeException.class)
                    .hasMessageContaining("TWO_PHASE_COMMIT");
        }
    }
}
