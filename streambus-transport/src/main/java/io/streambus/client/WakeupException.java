package io.streambus.client;

/** Thrown from a blocking consumer call that another thread interrupted with {@code wakeup()}. */
public class WakeupException extends StreamBusException {
    private static final long serialVersionUID = 1L;

    public WakeupException() {
        super("consumer woken up");
    }
}
