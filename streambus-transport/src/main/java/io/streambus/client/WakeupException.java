package io.streambus.client;

/**
 * Thrown from a blocking consumer call that another thread interrupted with {@code wakeup()}. A signal, not an error:
 * it carries no stack trace, because a consumer woken for every message (the JMS provider hands its commits to the
 * fetching thread this way) would otherwise fill one per message. Thread-safe (immutable).
 */
public class WakeupException extends StreamBusException {
    private static final long serialVersionUID = 1L;

    /** The exception a woken call throws. */
    public WakeupException() {
        super("consumer woken up", null, false, false);
    }
}
