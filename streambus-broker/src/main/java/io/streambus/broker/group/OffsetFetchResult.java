package io.streambus.broker.group;

import java.util.List;

/**
 * Outcome of an OffsetFetch (B.6.9).
 *
 * @param errorCode request-level code (0, 2, 6, 27); when not 0, {@code topics} is empty
 * @param topics    topics in ascending unsigned byte order, partitions ascending; a topic asked for with partition
 *                  count 0 that has no committed partition appears with an empty list
 */
public record OffsetFetchResult(int errorCode, List<TopicData<FetchedOffset>> topics) {

    /** A request-level failure. */
    public static OffsetFetchResult error(int errorCode) {
        return new OffsetFetchResult(errorCode, List.of());
    }
}
