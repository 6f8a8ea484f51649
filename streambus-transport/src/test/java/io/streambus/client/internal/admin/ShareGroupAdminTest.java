package io.streambus.client.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.admin.GroupListing;
import io.streambus.client.admin.ShareGroupDescription;
import io.streambus.client.admin.ShareGroupSettings;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.share.SharePartitionState;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupConfigureResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Share-group administration over the fake network (ShareGroupConfigure, spec B.13.7; capability gating, B.4). */
class ShareGroupAdminTest {
    private static final BrokerCapabilities SHARE_CAPS = new BrokerCapabilities(false,
            FakeNetwork.FULL_CAPABILITIES.requestTypes(), FakeNetwork.FULL_CAPABILITIES.featureBits()
            | BrokerCapabilities.SHARE_GROUPS, "fake");

    private final FakeNetwork net = new FakeNetwork(FakeNetwork.config(Map.of())).capabilities(SHARE_CAPS);
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

    private static ShareGroupConfigureResponse reply(int attempts, String dlq) {
        return new ShareGroupConfigureResponse("Stable", 2, attempts, 30_000, dlq, 1, 2000,
                TopicPartitions.of("t", List.of(new SharePartitionState(0, 17, 3, true))));
    }

    @Test
    void configureSendsOnlyTheNamedSettingsAndReturnsTheConfigurationInEffect() {
        CompletableFuture<ShareGroupDescription> f = admin.configureShareGroup("q", ShareGroupSettings.builder()
                .maxDeliveryAttempts(3).deadLetterTopic("q-dlq").autoOffsetReset("latest").build());
        FakeNetwork.Request r = net.next(ApiKey.SHARE_GROUP_CONFIGURE);
        ShareGroupConfigureRequest q = r.body(ShareGroupConfigureRequest.class);
        assertThat(q.changeMask()).isEqualTo(ShareGroupConfigureRequest.CHANGE_MAX_DELIVERY_ATTEMPTS
                | ShareGroupConfigureRequest.CHANGE_DEAD_LETTER_TOPIC | ShareGroupConfigureRequest.CHANGE_AUTO_OFFSET_RESET);
        assertThat(q.maxDeliveryAttempts()).isEqualTo(3);
        assertThat(q.deadLetterTopic()).isEqualTo("q-dlq");
        assertThat(q.autoOffsetReset()).isEqualTo(ShareGroupConfigureRequest.AUTO_OFFSET_RESET_LATEST);
        r.respond(reply(3, "q-dlq"));
        ShareGroupDescription d = f.join();
        assertThat(d.groupId()).isEqualTo("q");
        assertThat(d.state()).isEqualTo("Stable");
        assertThat(d.memberCount()).isEqualTo(2);
        assertThat(d.maxDeliveryAttempts()).isEqualTo(3);
        assertThat(d.deadLetterTopic()).isEqualTo("q-dlq");
        assertThat(d.autoOffsetReset()).isEqualTo("latest");
        assertThat(d.partitions()).containsEntry(new TopicPartition("t", 0),
                new ShareGroupDescription.SharePartitionInfo(17, 3, true));
    }

    @Test
    void describeSendsAnEmptyMaskAndNoSettingsIsADescribe() {
        CompletableFuture<ShareGroupDescription> f = admin.configureShareGroup("q",
                ShareGroupSettings.builder().build());
        FakeNetwork.Request r = net.next(ApiKey.SHARE_GROUP_CONFIGURE);
        assertThat(r.body(ShareGroupConfigureRequest.class).changeMask()).isZero();
        r.respond(reply(5, ""));
        assertThat(f.join().deadLetterTopic()).isEmpty();
    }

    @Test
    void anInvalidSettingFailsWithCode54AndATypeMismatchWith50() {
        CompletableFuture<ShareGroupDescription> f = admin.configureShareGroup("q", ShareGroupSettings.builder()
                .acquisitionLockMs(5).build());
        net.next(ApiKey.SHARE_GROUP_CONFIGURE).respondError(ErrorCode.INVALID_GROUP_CONFIG,
                "acquisition lock ms 5 is outside 1000 to 3600000");
        assertThat(failure(f)).isInstanceOfSatisfying(BrokerErrorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_GROUP_CONFIG);
            assertThat(e.getMessage()).contains("acquisition lock ms");
        });
        CompletableFuture<ShareGroupDescription> g = admin.describeShareGroup("classic");
        net.next(ApiKey.SHARE_GROUP_CONFIGURE).respondError(ErrorCode.GROUP_TYPE_MISMATCH, "a consumer group");
        assertThat(failure(g)).isInstanceOfSatisfying(BrokerErrorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.GROUP_TYPE_MISMATCH));
    }

    @Test
    void aBrokerWithoutShareGroupsFailsAtOnceWithoutSending() {
        net.capabilities(FakeNetwork.FULL_CAPABILITIES);
        assertThat(failure(admin.describeShareGroup("q"))).isInstanceOfSatisfying(UnsupportedFeatureException.class,
                e -> assertThat(e.capability()).isEqualTo(BrokerCapabilities.CAP_SHARE_GROUPS));
        assertThat(net.requests()).isEmpty();
    }

    @Test
    void listingsTellShareGroupsFromConsumerGroups() {
        assertThat(new GroupListing("q", "share", "Empty").isShareGroup()).isTrue();
        assertThat(new GroupListing("c", "consumer", "Stable").isShareGroup()).isFalse();
    }

    @Test
    void shareGroupsNeedTheFeatureBitAndEveryRequestType() {
        assertThat(SHARE_CAPS.supportsShareGroups()).isTrue();
        assertThat(FakeNetwork.FULL_CAPABILITIES.supportsShareGroups()).as("no feature bit").isFalse();
        java.util.Set<Integer> types = new java.util.HashSet<>(SHARE_CAPS.requestTypes());
        types.remove(0x18);
        assertThat(new BrokerCapabilities(false, types, SHARE_CAPS.featureBits(), "x").supportsShareGroups())
                .as("ShareGroupConfigure not served").isFalse();
        assertThat(BrokerCapabilities.capabilityOf(0x16)).isEqualTo("share-groups");
    }
}
