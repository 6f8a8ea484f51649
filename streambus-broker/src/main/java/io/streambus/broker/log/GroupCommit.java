package io.streambus.broker.log;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Group commit for one append-only log: {@link #sync(long)} returns once everything appended up to a position is on
 * disk, and concurrent callers share forces. The first caller in reads how far the log has been written, forces,
 * and marks that far as durable; the callers that queued behind it meanwhile find their position covered and return
 * without a force of their own. One force so covers every write appended before it started.
 *
 * <p>Positions are any number that grows with each append (a file size, or bytes ever appended across segments);
 * {@code written} must only report a position once the bytes before it have been handed to the file, and the
 * {@link Forcer} must force every file that holds bytes not yet durable. A failed force is sticky: every later
 * {@link #sync} fails too, since the bytes it should have covered may be lost. Thread-safe.
 */
public final class GroupCommit {
    /** Forces the log's file(s). */
    @FunctionalInterface
    public interface Forcer {
        /** Forces what was written so far; use {@link Fsyncs#force} so the force is counted. */
        void force() throws IOException;
    }

    private final LongSupplier written;
    private final Forcer forcer;
    /** Runs before every force of this log (see {@link #beforeForce}); does nothing by default. */
    private volatile Forcer before = () -> { };
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong durable;
    private final AtomicLong forces = new AtomicLong();
    private volatile IOException failure;

    /**
     * @param written  how far the log has been written (read just before each force)
     * @param forcer   forces the log
     * @param durable  the position already on disk when this starts
     */
    public GroupCommit(LongSupplier written, Forcer forcer, long durable) {
        this.written = written;
        this.forcer = forcer;
        this.durable = new AtomicLong(durable);
    }

    /**
     * Returns once everything up to {@code position} is on disk, forcing only when no force that started after
     * that position was written has finished yet.
     *
     * @throws IOException if the force failed, now or in an earlier call
     */
    public void sync(long position) throws IOException {
        if (durable.get() >= position) {
            return;
        }
        lock.lock();
        try {
            IOException f = failure;
            if (f != null) {
                throw new IOException("an earlier force of this log failed", f);
            }
            if (durable.get() >= position) {
                return; // a force that started after our write covered it: the batching
            }
            long upTo = written.getAsLong();
            try {
                // After reading how far the log is written: whatever the barrier makes durable first covers every
                // write this force will cover.
                before.force();
                forcer.force();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            forces.incrementAndGet();
            durable.accumulateAndGet(upTo, Math::max);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets a barrier that runs before every force of {@link #sync}, after the position the force will cover was
     * read: data that must reach the disk before this log's (e.g. the exactly-once journal that describes the
     * log's batches) is forced there. A failing barrier fails the sync like a failed force, before the log is
     * forced.
     */
    public void beforeForce(Forcer barrier) {
        this.before = java.util.Objects.requireNonNull(barrier, "barrier");
    }

    /**
     * Runs {@code rewrite} with no force in progress (e.g. replacing the file under the log), then marks everything
     * up to {@code position} durable: the rewrite must have forced what it wrote.
     */
    public void rewrite(Forcer rewrite, LongSupplier position) throws IOException {
        lock.lock();
        try {
            rewrite.force();
            durable.set(position.getAsLong());
        } finally {
            lock.unlock();
        }
    }

    /** The position known to be on disk. */
    public long durable() {
        return durable.get();
    }

    /** Forces done by this log's {@link #sync} calls. */
    public long forces() {
        return forces.get();
    }
}
