package io.streambus.jms.ra;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.resource.spi.ActivationSpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/**
 * Crash recovery: a branch prepared through one managed connection (whose connection is then gone) is listed by the
 * XAResources of a fresh adapter's {@code getXAResources}, and committing it through them makes its message
 * visible.
 */
class RecoveryTest extends RaTestSupport {

    /** A transaction manager's Xid (Narayana's format id). */
    record TestXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {
        static TestXid random() {
            UUID u = UUID.randomUUID();
            byte[] g = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                    .putLong(u.getLeastSignificantBits()).array();
            return new TestXid(131077, g, new byte[] {1, 2, 3});
        }

        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }

        boolean sameAs(Xid x) {
            return x.getFormatId() == formatId && Arrays.equals(x.getGlobalTransactionId(), gtrid)
                    && Arrays.equals(x.getBranchQualifier(), bqual);
        }
    }

    @Test
    void aPreparedBranchIsRecoveredByAFreshAdapterAndCommitted() throws Exception {
        String name = unique("ra-recovery");
        // A read_committed subscriber of the queue's StreamBus topic, from before the branch's send. (Not a queue
        // consumer: this broker's share-group queue consumers currently see transactional sends before the commit.)
        Session plain = plainConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer reader = plain.createConsumer(plain.createTopic(name));
        StreamBusManagedConnectionFactory mcf = new StreamBusManagedConnectionFactory();
        mcf.setResourceAdapter(startAdapter());
        StreamBusManagedConnection mc = (StreamBusManagedConnection) mcf.createManagedConnection(null, null);
        TestXid xid = TestXid.random();
        try {
            XAResource xa = mc.getXAResource();
            xa.start(xid, XAResource.TMNOFLAGS);
            Connection h = (Connection) mc.getConnection(null, null);
            Session s = h.createSession();
            s.createProducer(s.createQueue(name)).send(s.createTextMessage("in doubt"));
            h.close();
            xa.end(xid, XAResource.TMSUCCESS);
            assertThat(xa.prepare(xid)).isEqualTo(XAResource.XA_OK);
        } finally {
            mc.destroy(); // the application server "crashes" before the commit
        }
        assertThat(reader.receive(200)).as("in doubt: invisible").isNull();

        StreamBusResourceAdapter fresh = startAdapter();
        XAResource[] resources = fresh.getXAResources(new ActivationSpec[0]);
        assertThat(resources).isNotEmpty();
        XAResource found = null;
        for (XAResource r : resources) {
            Xid[] listed = r.recover(XAResource.TMSTARTRSCAN);
            r.recover(XAResource.TMENDRSCAN); // closes the scan's connection
            if (Arrays.stream(listed).anyMatch(xid::sameAs)) {
                found = r;
            }
        }
        assertThat(found).as("the prepared branch is listed").isNotNull();
        found.commit(xid, false); // after the scan ended: a connection of its own for the decision

        Message m = reader.receive(10_000);
        assertThat(m).isNotNull();
        assertThat(((TextMessage) m).getText()).isEqualTo("in doubt");
        Xid[] after = found.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        assertThat(Arrays.stream(after).noneMatch(xid::sameAs)).as("decided: no longer listed").isTrue();
    }
}
