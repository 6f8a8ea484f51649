package io.streambus.client.internal.share;

/**
 * The recent round-trip time of acknowledgement requests (ShareAcknowledge, renewals included), for
 * {@link LockRenewer}'s margin: it follows a slower round trip at once and a faster one slowly (by an eighth of the
 * difference per sample), so that one quick answer under load does not make renewals late again. Not thread-safe:
 * guarded by the consumer's lock.
 */
final class RoundTripTime {
    private long nanos;

    /** Adds one measured round trip. */
    void sample(long rttNanos) {
        if (rttNanos < 0) {
            return;
        }
        nanos = rttNanos >= nanos ? rttNanos : nanos - (nanos - rttNanos) / 8;
    }

    /** The estimate; 0 before the first sample. */
    long nanos() {
        return nanos;
    }
}
