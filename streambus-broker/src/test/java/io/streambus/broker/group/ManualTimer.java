package io.streambus.broker.group;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A test clock: time moves only in {@link #advance}, which runs the tasks that fall due, in order, on the calling
 * thread (never inside {@link #schedule}). Thread-safe: the offset store's writer thread may schedule tasks too.
 */
final class ManualTimer implements GroupTimer {

    private static final long WALL_BASE = 1_700_000_000_000L;

    private record Task(long due, long seq, Runnable action) {
    }

    private final PriorityQueue<Task> tasks =
            new PriorityQueue<>(Comparator.comparingLong(Task::due).thenComparingLong(Task::seq));
    private long now;
    private long seq;

    @Override
    public synchronized long monotonicMs() {
        return now;
    }

    @Override
    public synchronized long wallClockMs() {
        return WALL_BASE + now;
    }

    @Override
    public synchronized Cancellable schedule(Runnable action, long delayMs) {
        Task t = new Task(now + Math.max(0, delayMs), seq++, action);
        tasks.add(t);
        return () -> {
            synchronized (ManualTimer.this) {
                tasks.remove(t);
            }
        };
    }

    /** Moves time forward by {@code ms}, running every task due by then (tasks scheduled meanwhile included). */
    void advance(long ms) {
        long target;
        synchronized (this) {
            target = now + ms;
        }
        while (true) {
            Task t;
            synchronized (this) {
                t = tasks.peek();
                if (t == null || t.due() > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, t.due());
            }
            t.action().run();
        }
    }

    synchronized int pendingTasks() {
        return tasks.size();
    }
}
