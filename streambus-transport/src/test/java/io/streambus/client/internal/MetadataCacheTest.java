package io.streambus.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.core.TopicInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Partition counts over the fake network: coalesced refreshes, assumed counts, ageing on the manual clock. */
class MetadataCacheTest {
    private final FakeNetwork net = new FakeNetwork(FakeNetwork.config(Map.of("metadata.max.age.ms", 1000)));
    private final MetadataCache cache = net.newContext().metadata();

    @AfterEach
    void close() {
        net.close();
    }

    private static ListTopicsResponse topics(Object... nameAndCount) {
        List<TopicInfo> list = new java.util.ArrayList<>();
        for (int i = 0; i < nameAndCount.length; i += 2) {
            list.add(new TopicInfo((String) nameAndCount[i], (Integer) nameAndCount[i + 1]));
        }
        return new ListTopicsResponse(list);
    }

    @Test
    void concurrentLookupsShareOneListTopics() {
        CompletableFuture<Integer> a = cache.partitionCount("a");
        CompletableFuture<Integer> b = cache.partitionCount("b");
        assertThat(net.pending(ApiKey.LIST_TOPICS)).hasSize(1);
        net.next(ApiKey.LIST_TOPICS).respond(topics("a", 3, "b", 5));
        assertThat(a).isCompletedWithValue(3);
        assertThat(b).isCompletedWithValue(5);
        assertThat(cache.cachedPartitionCount("a")).isEqualTo(3);
        assertThat(net.pending()).as("fresh entries need no refresh").isEmpty();
    }

    @Test
    void anUnlistedTopicCountsAsOnePartitionAndIsCheckedAgain() {
        CompletableFuture<Integer> f = cache.partitionCount("new");
        net.next(ApiKey.LIST_TOPICS).respond(topics());
        assertThat(f).as("Produce and Fetch auto-create with one partition").isCompletedWithValue(1);
        assertThat(cache.cachedPartitionCount("new")).isEqualTo(1);
        net.next(ApiKey.LIST_TOPICS).respond(topics("new", 4));
        assertThat(cache.cachedPartitionCount("new")).isEqualTo(4);
    }

    @Test
    void staleEntriesAreServedWhileABackgroundRefreshRuns() {
        cache.update("t", 2);
        net.advanceMs(1000);
        assertThat(cache.cachedPartitionCount("t")).isEqualTo(2);
        assertThat(net.pending()).as("1000 ms is not older than metadata.max.age.ms").isEmpty();
        net.advanceMs(1);
        assertThat(cache.cachedPartitionCount("t")).as("the old value while refreshing").isEqualTo(2);
        net.next(ApiKey.LIST_TOPICS).respond(topics("t", 6));
        assertThat(cache.cachedPartitionCount("t")).isEqualTo(6);
    }

    @Test
    void aTopicTheBrokerNoLongerListsIsForgotten() {
        cache.update("gone", 2);
        cache.refresh();
        net.next(ApiKey.LIST_TOPICS).respond(topics("other", 1));
        assertThat(cache.cachedPartitionCount("gone")).isEqualTo(-1);
    }
}
