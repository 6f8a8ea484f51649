package io.streambus.broker.group;

import java.util.List;

/**
 * Outcome of ListGroups (B.6.13). The coordinator does not know the frame limit: the server answers code 12 if the
 * encoded reply would exceed it.
 *
 * @param errorCode 0, or 6 when the coordinator is closed
 * @param groups    matching groups in ascending unsigned byte order of group id
 */
public record ListGroupsResult(int errorCode, List<GroupOverview> groups) {
}
