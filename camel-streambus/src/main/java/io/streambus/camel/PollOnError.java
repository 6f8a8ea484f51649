package io.streambus.camel;

/**
 * What a consumer does when polling fails, or when a polled record cannot be turned into an exchange (for example a
 * record header that does not decode). Failures inside the route are a different matter: they go to the route's
 * error handler, and {@code breakOnFirstError} decides whether the failed record is read again.
 *
 * <p>No strategy moves a partition past a record that was not handled: positions are restored to the first record
 * not yet processed, except for DISCARD and ERROR_HANDLER on a record that could not be converted, which count that
 * one record as handled.
 */
public enum PollOnError {
    /** Log at WARN. A record that cannot be converted is skipped; a failed poll is repeated after the backoff. */
    DISCARD,
    /**
     * Hand the exception to the consumer's exception handler (the route's error handler when bridgeErrorHandler is
     * on), then continue as DISCARD does.
     */
    ERROR_HANDLER,
    /**
     * Close this consumer's client consumer and create a new one after the backoff, continuing from the first record
     * not yet processed.
     */
    RECONNECT,
    /** Poll again with the same consumer after the backoff, from the first record not yet processed. */
    RETRY,
    /**
     * Stop this consumer thread: it commits what was processed and reads nothing more until the route is restarted;
     * its health check reports DOWN.
     */
    STOP
}
