package io.streambus.broker.group;

/**
 * One partition of an OffsetFetch reply ({@code OffsetFetchData}).
 *
 * @param partition partition id
 * @param offset    committed offset, or -1 if none
 * @param metadata  metadata of the commit, empty if none
 * @param errorCode 0, or 41 when the topic is not authorized (offset -1)
 */
public record FetchedOffset(int partition, long offset, String metadata, int errorCode) {
}
