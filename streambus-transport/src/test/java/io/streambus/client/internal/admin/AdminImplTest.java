package io.streambus.client.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.core.CreateTopicResponse;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Admin over the fake network: capability gating, per-partition errors, the metadata it keeps. */
class AdminImplTest {
    private final FakeNetwork net = new FakeNetwork(FakeNetwork.config(Map.of()));
    private final ClientContext ctx = net.newContext();
    private final AdminImpl admin = new AdminImpl(ctx);

    @AfterEach
    void close() {
        net.close();
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return Errors.unwrap(f.handle((v, e) -> e).join());
    }

    @Test
    void groupOperationsFailAtOnceOnACoreOnlyBrokerWithoutSending() {
        net.capabilities(BrokerCapabilities.coreOnlyBroker());
        assertThat(failure(admin.listGroups(""))).isInstanceOfSatisfying(UnsupportedFeatureException.class,
                e -> assertThat(e.capability()).isEqualTo(BrokerCapabilities.CAP_GROUP_ADMIN));
        assertThat(failure(admin.commitOffsets("g", Map.of(new TopicPartition("t", 0), new OffsetAndMetadata(1)))))
                .isInstanceOf(UnsupportedFeatureException.class);
        assertThat(net.requests()).isEmpty();
        assertThat(net.capabilityProbes()).isEqualTo(2);
    }

    @Test
    void aPerPartitionCommitErrorBecomesOneTypedException() {
        CompletableFuture<Void> f = admin.commitOffsets("g", Map.of(new TopicPartition("t", 0),
                new OffsetAndMetadata(7, "m")));
        FakeNetwork.Request r = net.next(ApiKey.OFFSET_COMMIT);
        OffsetCommitRequest q = r.body(OffsetCommitRequest.class);
        assertThat(q.groupId()).isEqualTo("g");
        r.respond(new OffsetCommitResponse(TopicPartitions.of("t", List.of(
                new PartitionResult(0, ErrorCode.AUTHORIZATION_FAILED)))));
        assertThat(failure(f)).isInstanceOfSatisfying(BrokerErrorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED));
    }

    @Test
    void createTopicTeachesTheMetadataCacheItsPartitionCount() {
        CompletableFuture<Void> f = admin.createTopic("fresh", 6);
        assertThat(net.next(ApiKey.CREATE_TOPIC).body(CreateTopicRequest.class).partitionCount()).isEqualTo(6);
        net.next(ApiKey.CREATE_TOPIC).respond(new CreateTopicResponse("fresh", true));
        assertThat(f).isCompleted();
        assertThat(ctx.metadata().cachedPartitionCount("fresh")).isEqualTo(6);
        assertThat(failure(admin.createTopic("bad name!", 1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(net.requests()).hasSize(1);
    }
}
