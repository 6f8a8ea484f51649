package io.streambus.jms.internal;

import io.streambus.client.StreamBusTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * When failed health probes mean that the broker is lost: at once when the probe failed for another reason (a refused
 * or broken connection is evidence of an outage), but only after {@link #MISSES} consecutive unanswered probes when
 * they time out, because one slow answer on a loaded machine is not an outage (a resource adapter rebuilds its
 * activations on every reported loss). Not thread-safe: used by the connection's monitor thread only.
 */
final class ProbePolicy {
    /** Consecutive timed-out probes that make an outage. */
    static final int MISSES = 3;

    private int misses;

    /** A probe was answered. */
    void answered() {
        misses = 0;
    }

    /**
     * A probe failed.
     *
     * @param cause the probe's failure, unwrapped (a wait or a request that timed out counts as a miss)
     * @return true if the broker is to be reported lost now
     */
    boolean failed(Throwable cause) {
        if (cause instanceof TimeoutException || cause instanceof StreamBusTimeoutException) {
            return ++misses >= MISSES;
        }
        misses = 0;
        return true;
    }
}
