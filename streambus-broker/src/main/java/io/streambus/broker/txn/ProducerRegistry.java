package io.streambus.broker.txn;

import io.streambus.broker.log.FlushPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of issued producer ids (B.12.5): every id ever issued, whether it belongs to a transaction id, its
 * epoch and issue time. New entries are durable before {@link #issue} returns, and ids are never reused: the next id
 * is one above the highest ever recorded (expired ids leave an expiry record that keeps their number taken).
 * Journal: {@code <dataDir>/__eos/producers.journal}, records ISSUE(id, epoch, time, transaction id) and
 * EXPIRE(id, next id).
 *
 * <p>Thread-safe (synchronized); the durable wait of {@link #issue} happens outside the lock, so concurrent issues
 * share one fsync.
 */
final class ProducerRegistry implements AutoCloseable {
    /** First id issued (the reference allocates from 1001 upwards, B.7.2). */
    static final long FIRST_ID = 1001;
    private static final byte R_ISSUE = 1;
    private static final byte R_EXPIRE = 2;

    /** One issued producer id. */
    static final class Entry {
        final long id;
        final String transactionalId;
        volatile short epoch;
        final long issuedMs;
        volatile long lastUsedMs;

        Entry(long id, String transactionalId, short epoch, long issuedMs) {
            this.id = id;
            this.transactionalId = transactionalId;
            this.epoch = epoch;
            this.issuedMs = issuedMs;
            this.lastUsedMs = issuedMs;
        }

        /** True for an idempotent-only producer id (no transaction id, B.12.2). */
        boolean idempotentOnly() {
            return transactionalId.isEmpty();
        }
    }

    private final RecordFile journal;
    private final Map<Long, Entry> entries = new HashMap<>();
    private long nextId = FIRST_ID;

    private ProducerRegistry(RecordFile journal) {
        this.journal = journal;
    }

    static ProducerRegistry open(Path dir, FlushPolicy policy) throws IOException {
        Map<Long, Entry> map = new HashMap<>();
        long[] next = {FIRST_ID};
        RecordFile f = RecordFile.open(dir.resolve("producers.journal"), policy, b -> {
            byte type = b.get();
            long id = b.getLong();
            if (type == R_ISSUE) {
                short epoch = b.getShort();
                long time = b.getLong();
                byte[] tid = new byte[b.getInt()];
                b.get(tid);
                map.put(id, new Entry(id, new String(tid, StandardCharsets.UTF_8), epoch, time));
                next[0] = Math.max(next[0], id + 1);
            } else if (type == R_EXPIRE) {
                map.remove(id);
                next[0] = Math.max(next[0], b.getLong());
            } else {
                throw new IllegalStateException("unknown producer registry record type " + type);
            }
        });
        ProducerRegistry r = new ProducerRegistry(f);
        r.entries.putAll(map);
        r.nextId = next[0];
        return r;
    }

    /**
     * Issues a new producer id, durably (forced whatever the flush policy: InitProducerID answers only after it).
     *
     * @param transactionalId the transaction id it belongs to, empty for an idempotent-only id
     */
    Entry issue(String transactionalId, long nowMs) throws IOException {
        Entry e;
        long pos;
        synchronized (this) {
            e = new Entry(nextId, transactionalId, (short) 0, nowMs);
            pos = journal.append(issueRecord(e));
            nextId++;
            entries.put(e.id, e);
        }
        journal.sync(pos);
        return e;
    }

    private static byte[] issueRecord(Entry e) {
        byte[] tid = e.transactionalId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 8 + 2 + 8 + 4 + tid.length).put(R_ISSUE).putLong(e.id).putShort(e.epoch)
                .putLong(e.issuedMs).putInt(tid.length).put(tid).array();
    }

    /** The entry of {@code id}, or null when never issued or expired. */
    synchronized Entry get(long id) {
        return entries.get(id);
    }

    /** True when {@code id} is issued and not expired. */
    synchronized boolean isKnown(long id) {
        return entries.containsKey(id);
    }

    /** Forgets {@code id} durably (expiry, B.12.5). */
    void expire(long id) throws IOException {
        long pos;
        synchronized (this) {
            if (entries.remove(id) == null) {
                return;
            }
            pos = journal.append(ByteBuffer.allocate(17).put(R_EXPIRE).putLong(id).putLong(nextId).array());
        }
        journal.sync(pos);
    }

    /** A copy of the live entries. */
    synchronized List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    /** Journal forces so far (tests). */
    long forceCount() {
        return journal.forceCount();
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
