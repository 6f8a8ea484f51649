package io.streambus.broker.log;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Group commit for one append-only log: {@link #sync(long)} returns once everything appended up to a position is on
 * disk, and concurrent callers share forces. A caller whose position no force covers yet leads a round: it reads how
 * far the log has been written, forces, and marks that far durable; callers that wrote meanwhile wait and the first
 * of them leads the next round, covering all of them. A caller whose position a round in progress already covers
 * only waits for that round's end, never for a later round (it would wait one force longer for nothing).
 *
 * <p>With a barrier ({@link #beforeForce}) a round has two stages, the barrier and then the log's force, and rounds
 * are pipelined: the next round's barrier runs while this round's log force does (they force different files), and
 * a round's log force starts only after its own barrier and the previous round's log force have ended. So a round
 * takes about one force, not two, and every position a log force covers had its barrier done first.
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
    /** Runs before every force of this log (see {@link #beforeForce}); null when there is none. */
    private volatile Forcer before;
    /** Guards the round state below; never held during a force or a barrier. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a round changes stage or ends (or fails). */
    private final Condition changed = lock.newCondition();
    private final AtomicLong durable;
    private final AtomicLong forces = new AtomicLong();
    /** A round is in its barrier, or waits for the previous round's log force; guarded by lock. */
    private boolean staged;
    /** The position the staged round covers; guarded by lock. */
    private long stagedUpTo;
    /** A log force is running (a rewrite instead holds the lock throughout); guarded by lock. */
    private boolean forcing;
    /** The position the running log force covers; guarded by lock. */
    private long forcingUpTo;
    private volatile IOException failure;

    /**
     * @param written  how far the log has been written (read just before each round)
     * @param forcer   forces the log
     * @param durable  the position already on disk when this starts
     */
    public GroupCommit(LongSupplier written, Forcer forcer, long durable) {
        this.written = written;
        this.forcer = forcer;
        this.durable = new AtomicLong(durable);
    }

    /**
     * Returns once everything up to {@code position} is on disk, forcing only when no round that started after
     * that position was written is in progress or done. Waits without a timeout, as the force it waits for has none.
     *
     * @throws IOException if the force failed, now or in an earlier call
     */
    public void sync(long position) throws IOException {
        if (durable.get() >= position) {
            return;
        }
        lock.lock();
        try {
            Forcer barrier;
            while (true) {
                checkFailure();
                if (durable.get() >= position) {
                    return;
                }
                barrier = before;
                boolean covered = (staged && stagedUpTo >= position) || (forcing && forcingUpTo >= position);
                // Without a barrier a round starts only once the previous force ended, so that it covers every write
                // made during that force; with one it starts its barrier while the previous force runs.
                if (!covered && !staged && (barrier != null || !forcing)) {
                    break;
                }
                changed.awaitUninterruptibly();
            }
            lead(barrier);
        } finally {
            lock.unlock();
        }
    }

    /** Runs one round (barrier, then the log's force); called and returns with the lock held. */
    private void lead(Forcer barrier) throws IOException {
        staged = true;
        long upTo = written.getAsLong();
        stagedUpTo = upTo;
        if (barrier != null) {
            lock.unlock();
            Throwable error = null;
            try {
                // After reading how far the log is written: whatever the barrier makes durable first covers every
                // write this round's force will cover.
                barrier.force();
            } catch (IOException | RuntimeException | Error e) {
                error = e;
            } finally {
                lock.lock();
            }
            if (error != null) {
                staged = false;
                fail(error);
            }
            while (forcing) {
                changed.awaitUninterruptibly(); // the previous round's log force
            }
            if (failure != null) {
                staged = false;
                changed.signalAll();
                checkFailure();
            }
        }
        staged = false;
        forcing = true;
        forcingUpTo = upTo;
        changed.signalAll(); // the next round may start its barrier
        lock.unlock();
        Throwable error = null;
        try {
            forcer.force();
        } catch (IOException | RuntimeException | Error e) {
            error = e;
        } finally {
            lock.lock();
            forcing = false;
        }
        if (error != null) {
            fail(error);
        }
        forces.incrementAndGet();
        durable.accumulateAndGet(upTo, Math::max);
        changed.signalAll();
    }

    /** Ends a failed round (lock held): an I/O error is sticky; wakes the waiters and rethrows. */
    private void fail(Throwable error) throws IOException {
        if (error instanceof IOException io) {
            failure = io;
        }
        changed.signalAll();
        if (error instanceof IOException io) {
            throw io;
        }
        if (error instanceof RuntimeException r) {
            throw r;
        }
        throw (Error) error;
    }

    private void checkFailure() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("an earlier force of this log failed", f);
        }
    }

    /**
     * Sets a barrier that runs before every force of {@link #sync}, after the position the force will cover was
     * read: data that must reach the disk before this log's (e.g. the exactly-once journal that describes the
     * log's batches) is forced there. A failing barrier fails the sync like a failed force, before the log is
     * forced.
     */
    public void beforeForce(Forcer barrier) {
        this.before = Objects.requireNonNull(barrier, "barrier");
    }

    /**
     * Runs {@code rewrite} with no force in progress (e.g. replacing the file under the log), then marks everything
     * up to {@code position} durable: the rewrite must have forced what it wrote. Syncs wait meanwhile.
     */
    public void rewrite(Forcer rewrite, LongSupplier position) throws IOException {
        lock.lock();
        try {
            while (forcing || staged) {
                changed.awaitUninterruptibly();
            }
            rewrite.force();
            durable.set(position.getAsLong());
            changed.signalAll();
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
