package io.streambus.broker.group;

import io.streambus.common.TopicPartition;

import java.nio.file.Path;
import java.util.Map;

/**
 * Child JVM of {@link OffsetStoreKillTest}: commits offsets 1, 2, 3, … of partitions t-0..t-3 and prints
 * {@code ACK <partition> <offset>} once each commit's future completed (the point where a broker answers 0),
 * until it is killed.
 */
public final class OffsetStoreCrashChild {

    private OffsetStoreCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        OffsetStore store = OffsetStore.open(Path.of(args[0]));
        System.out.println("READY");
        System.out.flush();
        for (long i = 1; ; i++) {
            int p = (int) (i % 4);
            store.commit("crash", Map.of(new TopicPartition("t", p), new CommittedOffset(i, "m" + i, i))).join();
            System.out.println("ACK " + p + " " + i);
            System.out.flush();
        }
    }
}
