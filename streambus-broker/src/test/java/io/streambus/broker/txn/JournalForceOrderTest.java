package io.streambus.broker.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.log.Fsyncs;
import io.streambus.broker.log.PartitionLog;
import io.streambus.broker.testing.TestClient;
import io.streambus.protocol.message.MessageBlock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every-write, a sequenced batch's producer journal record must be on disk before the batch is: otherwise a
 * power loss between the log's force and the journal's leaves a stored batch the rebuilt producer state does not
 * know, and the producer's retry of it is stored twice. The forces are observed in order through the JVM's force
 * counter ({@link Fsyncs}) and the journal's own, at the crash points around them.
 */
class JournalForceOrderTest {
    private static final long PID = 1001;

    @TempDir
    Path dir;

    @AfterEach
    void resetHook() {
        CrashPoints.install(p -> { });
    }

    @Test
    void theJournalIsForcedBeforeTheLogThatHoldsTheBatch() throws Exception {
        try (EosTestSupport.EveryWriteLog fixture = EosTestSupport.EveryWriteLog.open(dir)) {
            PartitionLog log = fixture.log();
            PartitionProducerState state = fixture.state();
            List<String> events = new ArrayList<>();
            long[] at = new long[2];
            CrashPoints.install(p -> {
                if (p == CrashPoints.Point.BATCH_JOURNALED) {
                    at[0] = Fsyncs.total();
                    at[1] = state.forceCount();
                    events.add("journaled");
                } else if (p == CrashPoints.Point.JOURNAL_FORCED) {
                    events.add("journal forced: forces since the write " + (Fsyncs.total() - at[0])
                            + ", journal forces " + (state.forceCount() - at[1]) + ", log end " + log.endOffset());
                } else if (p == CrashPoints.Point.BATCH_APPENDED) {
                    events.add("appended: forces since the write " + (Fsyncs.total() - at[0]) + ", log end "
                            + log.endOffset());
                }
            });
            PartitionProducerState.Outcome out = append(state, log, 0);
            state.syncIfPolicy(out.syncTo(), false);
            assertThat(events).containsExactly(
                    "journaled",
                    // the only force so far is the journal's: the log holding the batch is not forced yet
                    "journal forced: forces since the write 1, journal forces 1, log end 0",
                    // then the log's force, after which the batch is published
                    "appended: forces since the write 2, log end 1");
            assertThat(state.forceCount()).as("the reply's journal sync finds the record on disk already")
                    .isEqualTo(at[1] + 1);
            CrashPoints.install(p -> { }); // the close forces too, with the partition closed
        }
    }

    @Test
    void aPowerLossBetweenTheForcesLeavesTheBatchUnpublishedAndTheLogUnforced() throws Exception {
        try (EosTestSupport.EveryWriteLog fixture = EosTestSupport.EveryWriteLog.open(dir)) {
            PartitionLog log = fixture.log();
            PartitionProducerState state = fixture.state();
            long[] before = new long[1];
            CrashPoints.install(p -> {
                if (p == CrashPoints.Point.BATCH_JOURNALED) {
                    before[0] = Fsyncs.total();
                } else if (p == CrashPoints.Point.JOURNAL_FORCED) {
                    throw new IllegalStateException("power lost");
                }
            });
            assertThatThrownBy(() -> append(state, log, 0)).hasMessageContaining("power lost");
            assertThat(Fsyncs.total() - before[0]).as("the journal's force only; the log was never forced")
                    .isEqualTo(1);
            assertThat(log.endOffset()).as("an unforced batch is never published").isZero();
            CrashPoints.install(p -> { }); // the power is back for the close
        }
    }

    private static PartitionProducerState.Outcome append(PartitionProducerState state, PartitionLog log, int seq) {
        MessageBlock block = TestClient.produce("t", 0, "v" + seq).messages();
        try {
            PartitionProducerState.Outcome out = state.append(log, block, PID, (short) 0, seq, false,
                    System.currentTimeMillis());
            assertThat(out.errorCode()).isZero();
            return out;
        } finally {
            block.release();
        }
    }
}
