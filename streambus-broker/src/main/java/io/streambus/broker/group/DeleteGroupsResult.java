package io.streambus.broker.group;

import java.util.List;

/**
 * Outcome of DeleteGroups (B.6.12).
 *
 * @param errorCode request-level code (0, 2, 6); when not 0, {@code results} is empty
 * @param results   one entry per requested group, in request order
 */
public record DeleteGroupsResult(int errorCode, List<GroupResult> results) {
}
