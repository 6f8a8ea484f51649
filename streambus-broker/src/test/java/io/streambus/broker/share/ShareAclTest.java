package io.streambus.broker.share;

import static io.streambus.broker.share.ShareTestSupport.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.broker.testing.ShareFetchCopy;
import io.streambus.broker.testing.TestClient;
import io.streambus.broker.testing.TestClient.Response;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.CreateTopicRequest;
import io.streambus.protocol.group.DeleteGroupsRequest;
import io.streambus.protocol.group.DeleteGroupsResponse;
import io.streambus.protocol.group.GroupInfo;
import io.streambus.protocol.group.GroupResult;
import io.streambus.protocol.group.ListGroupsRequest;
import io.streambus.protocol.group.ListGroupsResponse;
import io.streambus.protocol.share.ShareFetchPartition;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Share-group authorization (B.13.13): group read/describe/alter (27), topic read and dead-letter write (41). */
@ExtendWith(LeakCheck.class)
class ShareAclTest {
    @TempDir
    Path dir;

    @Test
    void groupAndTopicRights() throws IOException {
        Path acl = dir.resolve("acl.txt");
        Files.writeString(acl, String.join("\n",
                "allow anonymous group group:team-*",
                "allow anonymous describe group:view-*",
                "allow anonymous describe group:team-admin",
                "allow anonymous admin group:team-admin",
                "allow anonymous fetch topic:readable",
                "allow anonymous admin topic:readable",
                "allow anonymous admin topic:secret",
                "allow anonymous produce topic:dlq-ok",
                ""));
        try (EmbeddedBroker b = EmbeddedBroker.builder().dataDir(dir.resolve("data")).acl(acl)
                .shareGroups(ShareCoordinatorConfig.DEFAULTS).build();
             TestClient c = TestClient.connect(b.start())) {
            c.send(new CreateTopicRequest("readable", 1, 1));
            c.send(new CreateTopicRequest("secret", 1, 1));
            Response denied = c.send(new ShareGroupHeartbeatRequest("other", "", false, "", List.of("readable")));
            assertThat(denied.errorCode()).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
            assertThat(denied.errorMessage()).contains("'anonymous'").contains("'other'");
            Response topic = c.send(new ShareGroupHeartbeatRequest("team-1", "", false, "", List.of("readable",
                    "secret")));
            assertThat(topic.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            assertThat(topic.errorMessage()).contains("secret");
            assertThat(c.send(ShareGroupConfigureRequest.describe("team-1")).errorCode())
                    .as("the refused join created nothing").isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
            String m = join(c, "team-1", "readable");
            assertThat(c.send(new ShareGroupHeartbeatRequest("team-1", "stranger", false, "", List.of("secret")))
                    .errorCode()).as("20 comes before 41").isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
            // Per partition 41 on a topic the principal may not read (checked before the assignment, 53).
            ShareFetchCopy f = c.send(new ShareFetchRequest("team-1", m, 0, "", TopicPartitions.of(Map.of(
                    "readable", List.of(new ShareFetchPartition(0, 1, 100, List.of())),
                    "secret", List.of(new ShareFetchPartition(0, 1, 100, List.of())))))).body(ShareFetchCopy.class);
            assertThat(f.partitions()).extracting(ShareFetchCopy.Partition::topic, ShareFetchCopy.Partition::errorCode)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("readable", 0),
                            org.assertj.core.groups.Tuple.tuple("secret", ErrorCode.AUTHORIZATION_FAILED));
            // Describe needs describe, a change needs alter; the dead-letter topic needs write (after 54).
            assertThat(c.send(ShareGroupConfigureRequest.describe("view-1")).errorCode())
                    .isEqualTo(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID);
            assertThat(c.send(new ShareGroupConfigureRequest("team-1", 0x01, 3, 0, "", 0, 0)).errorCode())
                    .isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
            assertThat(c.send(new ShareGroupConfigureRequest("team-admin", 0x05, 0, 0, "dlq-no", 0, 0)).errorCode())
                    .isEqualTo(ErrorCode.INVALID_GROUP_CONFIG);
            Response dlq = c.send(new ShareGroupConfigureRequest("team-admin", 0x04, 0, 0, "dlq-no", 0, 0));
            assertThat(dlq.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            assertThat(dlq.errorMessage()).contains("dlq-no");
            assertThat(c.send(new ShareGroupConfigureRequest("team-admin", 0x04, 0, 0, "dlq-ok", 0, 0)).isError())
                    .isFalse();
            // ListGroups shows only what the principal may describe (the group right implies describe); DeleteGroups needs admin on the group.
            assertThat(c.send(new ListGroupsRequest("", List.of())).body(ListGroupsResponse.class).groups())
                    .containsExactly(new GroupInfo("team-1", "share", "Stable"),
                            new GroupInfo("team-admin", "share", "Empty"));
            assertThat(c.send(new DeleteGroupsRequest(List.of("team-1", "team-admin"))).body(DeleteGroupsResponse.class)
                    .results()).containsExactly(new GroupResult("team-1", ErrorCode.GROUP_AUTHORIZATION_FAILED),
                    new GroupResult("team-admin", ErrorCode.NONE));
        }
    }
}
