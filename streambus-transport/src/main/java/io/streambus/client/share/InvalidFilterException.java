package io.streambus.client.share;

import io.streambus.client.StreamBusException;

/**
 * The broker refused the share consumer's record filter (error 51, spec B.13.9): it does not parse, or is longer
 * than 65 536 bytes. The consumer cannot go on (JMS maps it to {@code InvalidSelectorException}). Immutable.
 */
public class InvalidFilterException extends StreamBusException {
    private static final long serialVersionUID = 1L;

    /** The broker refused the filter; {@code message} says why. */
    public InvalidFilterException(String message) {
        super(message);
    }
}
