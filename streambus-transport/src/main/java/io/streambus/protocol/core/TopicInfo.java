package io.streambus.protocol.core;

import io.streambus.protocol.Checks;

/** One ListTopics entry (A.6.6). */
public record TopicInfo(String name, int partitionCount) {
    public TopicInfo {
        name = Checks.str(name);
        Checks.nonNegative("partitionCount", partitionCount);
    }
}
