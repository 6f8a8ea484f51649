package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The pure parts of local transactions: the state machine and the transactional ids of sessions. */
class LocalTransactionPartsTest {

    @Test
    void stateTransitionsAreChecked() {
        assertThat(LocalTxnState.IDLE.moveTo(LocalTxnState.OPEN)).isEqualTo(LocalTxnState.OPEN);
        assertThat(LocalTxnState.OPEN.moveTo(LocalTxnState.ROLLBACK_ONLY)).isEqualTo(LocalTxnState.ROLLBACK_ONLY);
        assertThat(LocalTxnState.ROLLBACK_ONLY.moveTo(LocalTxnState.IDLE)).isEqualTo(LocalTxnState.IDLE);
        assertThat(LocalTxnState.OPEN.moveTo(LocalTxnState.IDLE)).isEqualTo(LocalTxnState.IDLE);
        assertThatThrownBy(() -> LocalTxnState.ROLLBACK_ONLY.moveTo(LocalTxnState.OPEN))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ROLLBACK_ONLY -> OPEN");
        assertThatThrownBy(() -> LocalTxnState.IDLE.moveTo(LocalTxnState.ROLLBACK_ONLY))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("IDLE -> ROLLBACK_ONLY");
    }

    @Test
    void sessionsGetTheLowestFreeIdOfTheirClientId() {
        String a = TransactionalIds.acquire("app.x");
        String b = TransactionalIds.acquire("app.x");
        String other = TransactionalIds.acquire("other");
        assertThat(a).isEqualTo("jms.tx.app.x.0");
        assertThat(b).isEqualTo("jms.tx.app.x.1");
        assertThat(other).isEqualTo("jms.tx.other.0");
        TransactionalIds.release(a);
        assertThat(TransactionalIds.acquire("app.x")).as("a restarted session takes the freed id").isEqualTo(a);
        TransactionalIds.release(a);
        TransactionalIds.release(b);
        TransactionalIds.release(other);
        assertThat(TransactionalIds.acquire("app.x")).isEqualTo("jms.tx.app.x.0");
        TransactionalIds.release("jms.tx.app.x.0");
    }
}
