package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The policy factory and the parts of the policies that need no session; the rest runs in the broker tests. */
class AckPolicyTest {

    @Test
    void sessionModeFollowsJms() throws JMSException {
        assertThat(AckPolicy.sessionMode(true, Session.CLIENT_ACKNOWLEDGE)).as("transacted wins")
                .isEqualTo(Session.SESSION_TRANSACTED);
        assertThat(AckPolicy.sessionMode(false, Session.SESSION_TRANSACTED)).isEqualTo(Session.SESSION_TRANSACTED);
        assertThat(AckPolicy.sessionMode(false, Session.DUPS_OK_ACKNOWLEDGE)).isEqualTo(Session.DUPS_OK_ACKNOWLEDGE);
        assertThatThrownBy(() -> AckPolicy.sessionMode(false, 7)).isInstanceOf(JMSException.class)
                .hasMessageContaining("invalid acknowledge mode 7");
        assertThat(AckPolicy.isValidMode(4)).isFalse();
    }

    @Test
    void oneImplementationPerMode() {
        assertThat(AckPolicy.create(null, Session.AUTO_ACKNOWLEDGE)).isInstanceOf(AutoAckPolicy.class);
        assertThat(AckPolicy.create(null, Session.DUPS_OK_ACKNOWLEDGE)).isInstanceOf(DupsOkAckPolicy.class);
        assertThat(AckPolicy.create(null, Session.CLIENT_ACKNOWLEDGE)).isInstanceOf(ClientAckPolicy.class);
        assertThat(AckPolicy.create(null, Session.SESSION_TRANSACTED)).isInstanceOf(TransactedPolicy.class);
        for (int mode : new int[] {0, 1, 2, 3}) {
            AckPolicy p = AckPolicy.create(null, mode);
            assertThat(p.mode()).isEqualTo(mode);
            assertThat(p.transacted()).isEqualTo(mode == Session.SESSION_TRANSACTED);
        }
        assertThatThrownBy(() -> AckPolicy.create(null, 9)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutATransactionSendsGoOutAtOnceAndCommitIsRefused() throws JMSException {
        AckPolicy p = AckPolicy.create(null, Session.CLIENT_ACKNOWLEDGE);
        AtomicInteger sent = new AtomicInteger();
        p.send(null, null, null, null, sent::incrementAndGet);
        assertThat(sent).hasValue(1);
        assertThatThrownBy(p::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("transacted");
        assertThatThrownBy(p::rollback).isInstanceOf(IllegalStateException.class).hasMessageContaining("transacted");
    }

    @Test
    void aTransactionRefusesRecover() {
        AckPolicy p = AckPolicy.create(null, Session.SESSION_TRANSACTED);
        assertThatThrownBy(p::recover).isInstanceOf(IllegalStateException.class).hasMessageContaining("rollback");
    }
}
