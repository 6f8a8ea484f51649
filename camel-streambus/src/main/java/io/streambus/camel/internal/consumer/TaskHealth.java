package io.streambus.camel.internal.consumer;

/**
 * An immutable snapshot of one consumer thread's condition, published by that thread and read by health checks.
 *
 * @param state     where the thread is
 * @param message   what is wrong, or null
 * @param error     the last error, or null
 * @param sinceMs   when the state was entered (epoch ms)
 */
public record TaskHealth(State state, String message, Throwable error, long sinceMs) {

    /** Conditions of a consumer thread. */
    public enum State {
        /** Creating its client consumer or waiting for the first poll. */
        STARTING,
        /** Polled successfully the last time. */
        RUNNING,
        /** The last poll, connect or record conversion failed; it keeps trying as pollOnError says. */
        ERROR,
        /** A record failed breakOnFirstErrorMaxAttempts times; its partition is paused. */
        PARKED,
        /** Stopped on an error (pollOnError=STOP or an error nothing can fix); reads nothing until restarted. */
        FAILED,
        /** Stopped normally. */
        STOPPED
    }

    public static TaskHealth of(State state, String message, Throwable error) {
        return new TaskHealth(state, message, error, System.currentTimeMillis());
    }

    public boolean healthy() {
        // DOWN until proven UP: a thread that has not polled successfully yet is not healthy.
        return state == State.RUNNING || state == State.STOPPED;
    }
}
