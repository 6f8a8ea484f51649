package io.streambus.client.share;

import io.streambus.common.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The book of a share-consumption run over offsets {@code 0..size-1} of one partition, kept from what the
 * consumers saw: every delivery with its delivery count, and every acknowledgement outcome the broker answered
 * (through {@link #callback()}). It records a violation at once when a record is delivered again after its
 * acceptance was answered without error, or when a record's delivery count does not rise from one delivery to the
 * next (B.13.11). An acceptance whose outcome is unknown (the connection broke before the reply) is "in doubt": it
 * may have been applied, so the record may never come back. Thread-safe (every method is synchronized).
 */
final class ShareLedger {
    private final int size;
    private final int[] lastCount;
    private final int[] deliveries;
    private final int[] accepted;
    private final boolean[] inDoubt;
    private final List<String> violations = new ArrayList<>();
    private int distinctDelivered;
    private int settled;
    private int redeliveries;
    private int staleAcceptances;

    ShareLedger(int size) {
        this.size = size;
        this.lastCount = new int[size];
        this.deliveries = new int[size];
        this.accepted = new int[size];
        this.inDoubt = new boolean[size];
    }

    /** Records one delivery of {@code offset} with the broker's delivery count. */
    synchronized void delivered(long offset, int count) {
        int o = (int) offset;
        if (accepted[o] > 0) {
            violation("offset " + o + " delivered again (count " + count + ") after its acceptance was answered");
        }
        if (count <= lastCount[o]) {
            violation("offset " + o + " delivered with count " + count + " after count " + lastCount[o]);
        }
        if (deliveries[o]++ == 0) {
            distinctDelivered++;
        } else {
            redeliveries++;
        }
        lastCount[o] = count;
    }

    /** A callback for {@link ShareConsumer#setAcknowledgementCommitCallback} that books every outcome. */
    AcknowledgementCommitCallback callback() {
        return this::outcome;
    }

    private synchronized void outcome(TopicPartition tp, Set<Long> offsets, Exception e) {
        Set<Long> notApplied = e instanceof InvalidRecordStateException x ? x.offsets() : Set.of();
        boolean unknown = e != null && !(e instanceof InvalidRecordStateException);
        for (long offset : offsets) {
            int o = (int) offset;
            if (unknown) {
                if (accepted[o] == 0 && !inDoubt[o]) {
                    inDoubt[o] = true;
                    settled++;
                }
            } else if (!notApplied.contains(offset)) {
                if (++accepted[o] > 1) {
                    if (deliveries[o] > 1) {
                        // B.13.8: an acknowledgement of a record already Acknowledged "is not an error"; after a
                        // redelivery a stale acceptance of the earlier delivery (resent once the broker is back)
                        // reports success although the later delivery's acceptance is the one that was applied.
                        staleAcceptances++;
                    } else {
                        violation("offset " + o + " delivered once and accepted " + accepted[o] + " times");
                    }
                } else if (!inDoubt[o]) {
                    settled++;
                }
            }
        }
    }

    private void violation(String what) {
        if (violations.size() < 50) {
            violations.add(what);
        }
    }

    /** True once every offset was accepted or its acceptance is in doubt. */
    synchronized boolean allSettled() {
        return settled == size;
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized int distinctDelivered() {
        return distinctDelivered;
    }

    synchronized int acceptedCount(long offset) {
        return accepted[(int) offset];
    }

    synchronized boolean inDoubt(long offset) {
        return inDoubt[(int) offset];
    }

    /** The count of the latest delivery of {@code offset} (0: never delivered). */
    synchronized int lastCount(long offset) {
        return lastCount[(int) offset];
    }

    synchronized int acceptedTotal() {
        int n = 0;
        for (int a : accepted) {
            n += a > 0 ? 1 : 0;
        }
        return n;
    }

    synchronized int inDoubtTotal() {
        int n = 0;
        for (int o = 0; o < size; o++) {
            n += inDoubt[o] && accepted[o] == 0 ? 1 : 0;
        }
        return n;
    }

    /** Successful acceptances of records already accepted after a redelivery (see {@code outcome}). */
    synchronized int staleAcceptances() {
        return staleAcceptances;
    }

    synchronized int redeliveries() {
        return redeliveries;
    }

    synchronized int maxCount() {
        int m = 0;
        for (int c : lastCount) {
            m = Math.max(m, c);
        }
        return m;
    }

    /** Offsets that were neither accepted nor in doubt (at most {@code limit} of them), for failure messages. */
    synchronized List<Integer> unsettled(int limit) {
        List<Integer> out = new ArrayList<>();
        for (int o = 0; o < size && out.size() < limit; o++) {
            if (accepted[o] == 0 && !inDoubt[o]) {
                out.add(o);
            }
        }
        return out;
    }
}
