package io.streambus.client.internal.share;

import java.util.concurrent.TimeUnit;

/**
 * How long a member leaves out a partition whose ShareFetch reply set "in-flight limit reached" and carried no
 * records (B.13.5, B.13.9). The flag only says the window is full; what it means for this member depends on its
 * filter:
 * <ul>
 *   <li>with a filter, the window may be full of records no member's filter takes, which stay until something
 *       outside this member changes: fetching again at once cannot help, so the partition is left out for the
 *       spec's 1 s and one warning is logged ({@link #FILTERED});</li>
 *   <li>without a filter, every Available record of the window would have been acquired, so the window is full
 *       of records other members (or this one) hold; they free it as soon as they acknowledge, so the partition is
 *       left out only for a short bounded backoff ({@link #unfiltered(long)}), without a warning.</li>
 * </ul>
 * Immutable and thread-safe.
 *
 * @param backoffNanos how long the partition is left out
 * @param warn         whether the condition deserves a (once per partition) warning
 */
record InFlightLimitBackoff(long backoffNanos, boolean warn) {
    /** The longest backoff; also the one of a member with a filter (B.13.9: "at least 1 s"). */
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A member with a filter: 1 s and a warning (B.13.9). */
    static final InFlightLimitBackoff FILTERED = new InFlightLimitBackoff(MAX_BACKOFF_NANOS, true);

    /** A member without a filter: {@code backoffMs} (at least 1 ms, at most 1 s), no warning. */
    static InFlightLimitBackoff unfiltered(long backoffMs) {
        long nanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, backoffMs));
        return new InFlightLimitBackoff(Math.min(nanos, MAX_BACKOFF_NANOS), false);
    }

    /** The policy for a member whose filter is {@code filter} (null or empty: none). */
    static InFlightLimitBackoff forFilter(String filter, long unfilteredBackoffMs) {
        return filter == null || filter.isEmpty() ? unfiltered(unfilteredBackoffMs) : FILTERED;
    }
}
