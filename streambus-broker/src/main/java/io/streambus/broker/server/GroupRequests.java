package io.streambus.broker.server;

import static io.streambus.broker.server.RequestDispatcher.badInput;
import static io.streambus.broker.server.RequestDispatcher.error;
import static io.streambus.broker.server.RequestDispatcher.success;
import static io.streambus.broker.server.RequestDispatcher.typeName;

import io.streambus.broker.group.CommitPartition;
import io.streambus.broker.group.FetchedOffset;
import io.streambus.broker.group.GroupCoordinator;
import io.streambus.broker.group.GroupOverview;
import io.streambus.broker.group.JoinRequest;
import io.streambus.broker.group.MemberMetadata;
import io.streambus.broker.group.Protocol;
import io.streambus.broker.group.TopicData;
import io.streambus.broker.security.Authorizer;
import io.streambus.broker.share.ShareCoordinator;
import io.streambus.protocol.group.DeleteGroupsRequest;
import io.streambus.protocol.group.DeleteGroupsResponse;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.group.GroupInfo;
import io.streambus.protocol.group.GroupMember;
import io.streambus.protocol.group.GroupProtocol;
import io.streambus.protocol.group.GroupResult;
import io.streambus.protocol.group.HeartbeatRequest;
import io.streambus.protocol.group.HeartbeatResponse;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.protocol.group.JoinGroupResponse;
import io.streambus.protocol.group.LeaveGroupRequest;
import io.streambus.protocol.group.LeaveGroupResponse;
import io.streambus.protocol.group.ListGroupsRequest;
import io.streambus.protocol.group.ListGroupsResponse;
import io.streambus.protocol.group.MemberAssignment;
import io.streambus.protocol.message.MessageTooLargeException;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.PartitionOffset;
import io.streambus.protocol.PartitionOffsetResult;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.RequestHeader;
import io.streambus.protocol.group.SyncGroupRequest;
import io.streambus.protocol.group.SyncGroupResponse;
import io.streambus.protocol.TopicPartitions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer-group requests (B.6: 0x08-0x0D, 0x13, 0x14): converts decoded requests to
 * {@link GroupCoordinator} calls and its results to responses. The coordinator does the checks of step 7 (B.2) and
 * may hold JoinGroup and SyncGroup; the returned futures complete when it answers, and the connection handler keeps
 * later requests of the connection waiting meanwhile. Thread-safe.
 */
final class GroupRequests {
    private static final Logger LOG = LoggerFactory.getLogger(GroupRequests.class);

    private final GroupCoordinator groups;
    private final ShareCoordinator shares;

    /** @param shares the share-group coordinator, or null when share groups are not served */
    GroupRequests(GroupCoordinator groups, ShareCoordinator shares) {
        this.groups = groups;
        this.shares = shares;
    }

    CompletableFuture<Reply> handle(ClientConnection conn, RequestHeader h, RequestBody body) {
        Reply other = shareGroupNamed(conn, h, body);
        if (other != null) {
            return CompletableFuture.completedFuture(other);
        }
        return switch (h.apiKey()) {
            case JOIN_GROUP -> joinGroup(conn, h, (JoinGroupRequest) body);
            case SYNC_GROUP -> syncGroup(conn, h, (SyncGroupRequest) body);
            case HEARTBEAT -> heartbeat(conn, h, (HeartbeatRequest) body);
            case LEAVE_GROUP -> leaveGroup(conn, h, (LeaveGroupRequest) body);
            case OFFSET_COMMIT -> offsetCommit(conn, h, (OffsetCommitRequest) body);
            case OFFSET_FETCH -> offsetFetch(conn, h, (OffsetFetchRequest) body);
            case DELETE_GROUPS -> deleteGroups(conn, h, (DeleteGroupsRequest) body);
            case LIST_GROUPS -> listGroups(conn, h, (ListGroupsRequest) body);
            default -> throw new IllegalArgumentException("not a group request: " + h.apiKey());
        };
    }

    /**
     * B.13.3: a B.6 request naming a share group gets 27 (no group right) or 50; JoinGroup with protocol type
     * {@code share} gets 2. Null when the request goes on to the group coordinator.
     */
    private Reply shareGroupNamed(ClientConnection conn, RequestHeader h, RequestBody body) {
        if (shares == null) {
            return null;
        }
        String groupId = switch (h.apiKey()) {
            case JOIN_GROUP -> ((JoinGroupRequest) body).groupId();
            case SYNC_GROUP -> ((SyncGroupRequest) body).groupId();
            case HEARTBEAT -> ((HeartbeatRequest) body).groupId();
            case LEAVE_GROUP -> ((LeaveGroupRequest) body).groupId();
            case OFFSET_COMMIT -> ((OffsetCommitRequest) body).groupId();
            case OFFSET_FETCH -> ((OffsetFetchRequest) body).groupId();
            default -> null;
        };
        if (groupId == null) {
            return null;
        }
        if (h.apiKey() == io.streambus.protocol.ApiKey.JOIN_GROUP
                && "share".equals(((JoinGroupRequest) body).protocolType())) {
            return badInput(conn, h, ErrorCode.INVALID_REQUEST,
                    "protocol type 'share' is reserved for share groups (B.13.3)");
        }
        if (!shares.exists(groupId)) {
            return null;
        }
        if (!shares.mayRead(conn.principal(), groupId)) {
            return groupError(conn, h, ErrorCode.GROUP_AUTHORIZATION_FAILED, groupId);
        }
        return error(conn, h, ErrorCode.GROUP_TYPE_MISMATCH, "group '" + Texts.printable(groupId, 200)
                + "' is a share group");
    }

    private CompletableFuture<Reply> joinGroup(ClientConnection conn, RequestHeader h, JoinGroupRequest r) {
        List<Protocol> protocols = new ArrayList<>(r.protocols().size());
        for (GroupProtocol p : r.protocols()) {
            protocols.add(new Protocol(p.name(), p.metadata()));
        }
        // Held until the join phase ends; the connection handles nothing else meanwhile (B.2).
        return groups.joinGroup(new JoinRequest(conn.id(), conn.principal(), r.groupId(), r.sessionTimeoutMs(),
                r.rebalanceTimeoutMs(), r.memberId(), r.clientId(), r.protocolType(), protocols)).thenApply(res -> {
                    if (res.errorCode() != ErrorCode.NONE) {
                        return groupError(conn, h, res.errorCode(), r.groupId());
                    }
                    List<GroupMember> members = new ArrayList<>(res.members().size());
                    for (MemberMetadata m : res.members()) {
                        members.add(new GroupMember(m.memberId(), m.metadata()));
                    }
                    return success(conn, h, new JoinGroupResponse(res.generation(), res.protocol(), res.memberId(),
                            res.leaderId(), members));
                });
    }

    private CompletableFuture<Reply> syncGroup(ClientConnection conn, RequestHeader h, SyncGroupRequest r) {
        List<io.streambus.broker.group.MemberAssignment> assignments = new ArrayList<>(r.assignments().size());
        for (MemberAssignment a : r.assignments()) {
            assignments.add(new io.streambus.broker.group.MemberAssignment(a.memberId(), a.assignment()));
        }
        return groups.syncGroup(conn.principal(), r.groupId(), r.generationId(), r.memberId(), assignments)
                .thenApply(res -> res.errorCode() != ErrorCode.NONE
                        ? groupError(conn, h, res.errorCode(), r.groupId())
                        : success(conn, h, new SyncGroupResponse(res.assignment())));
    }

    private CompletableFuture<Reply> heartbeat(ClientConnection conn, RequestHeader h, HeartbeatRequest r) {
        return groups.heartbeat(conn.principal(), r.groupId(), r.generationId(), r.memberId())
                .thenApply(code -> code != ErrorCode.NONE ? groupError(conn, h, code, r.groupId())
                        : success(conn, h, HeartbeatResponse.INSTANCE));
    }

    private CompletableFuture<Reply> leaveGroup(ClientConnection conn, RequestHeader h, LeaveGroupRequest r) {
        return groups.leaveGroup(conn.principal(), r.groupId(), r.memberId())
                .thenApply(code -> code != ErrorCode.NONE ? groupError(conn, h, code, r.groupId())
                        : success(conn, h, LeaveGroupResponse.INSTANCE));
    }

    private CompletableFuture<Reply> offsetCommit(ClientConnection conn, RequestHeader h, OffsetCommitRequest r) {
        List<TopicData<CommitPartition>> offsets = new ArrayList<>(r.offsets().topics().size());
        for (TopicPartitions.Topic<PartitionOffset> t : r.offsets().topics()) {
            List<CommitPartition> parts = new ArrayList<>(t.partitions().size());
            for (PartitionOffset po : t.partitions()) {
                parts.add(new CommitPartition(po.partition(), po.offset(), po.metadata()));
            }
            offsets.add(new TopicData<>(t.name(), parts));
        }
        // Completes once the accepted offsets are as durable as acknowledged messages (B.6.8).
        return groups.offsetCommit(conn.principal(), r.groupId(), r.generationId(), r.memberId(), offsets)
                .thenApply(res -> {
                    if (res.errorCode() != ErrorCode.NONE) {
                        return groupError(conn, h, res.errorCode(), r.groupId());
                    }
                    List<TopicPartitions.Topic<PartitionResult>> topics = new ArrayList<>(res.topics().size());
                    int denied = 0;
                    for (TopicData<io.streambus.broker.group.PartitionResult> t : res.topics()) {
                        List<PartitionResult> parts = new ArrayList<>(t.partitions().size());
                        for (io.streambus.broker.group.PartitionResult pr : t.partitions()) {
                            parts.add(new PartitionResult(pr.partition(), pr.errorCode()));
                            denied += pr.errorCode() == ErrorCode.AUTHORIZATION_FAILED ? 1 : 0;
                        }
                        topics.add(new TopicPartitions.Topic<>(t.topic(), parts));
                    }
                    logPartitionDenials(conn, h, denied);
                    return success(conn, h, new OffsetCommitResponse(new TopicPartitions<>(topics)));
                });
    }

    private CompletableFuture<Reply> offsetFetch(ClientConnection conn, RequestHeader h, OffsetFetchRequest r) {
        List<TopicData<Integer>> wanted = new ArrayList<>(r.partitions().topics().size());
        for (TopicPartitions.Topic<Integer> t : r.partitions().topics()) {
            wanted.add(new TopicData<>(t.name(), t.partitions()));
        }
        return groups.offsetFetch(conn.principal(), r.groupId(), wanted).thenApply(res -> {
            if (res.errorCode() != ErrorCode.NONE) {
                return groupError(conn, h, res.errorCode(), r.groupId());
            }
            List<TopicPartitions.Topic<PartitionOffsetResult>> topics = new ArrayList<>(res.topics().size());
            int denied = 0;
            for (TopicData<FetchedOffset> t : res.topics()) {
                List<PartitionOffsetResult> parts = new ArrayList<>(t.partitions().size());
                for (FetchedOffset f : t.partitions()) {
                    parts.add(new PartitionOffsetResult(f.partition(), f.offset(), f.metadata(), f.errorCode()));
                    denied += f.errorCode() == ErrorCode.AUTHORIZATION_FAILED ? 1 : 0;
                }
                topics.add(new TopicPartitions.Topic<>(t.topic(), parts));
            }
            logPartitionDenials(conn, h, denied);
            return success(conn, h, new OffsetFetchResponse(new TopicPartitions<>(topics)));
        });
    }

    private CompletableFuture<Reply> deleteGroups(ClientConnection conn, RequestHeader h, DeleteGroupsRequest r) {
        return groups.deleteGroups(conn.principal(), r.groupIds()).thenCompose(res -> {
            if (res.errorCode() != ErrorCode.NONE || shares == null) {
                return CompletableFuture.completedFuture(res);
            }
            // Share groups are deleted by their coordinator (B.13.3); the consumer side found no group there.
            List<CompletableFuture<io.streambus.broker.group.GroupResult>> parts = new ArrayList<>();
            for (io.streambus.broker.group.GroupResult g : res.results()) {
                CompletableFuture<Integer> share = g.errorCode() == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID
                        ? shares.delete(g.groupId()) : null;
                parts.add(share == null ? CompletableFuture.completedFuture(g)
                        : share.thenApply(code -> new io.streambus.broker.group.GroupResult(g.groupId(), code)));
            }
            return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                List<io.streambus.broker.group.GroupResult> merged = new ArrayList<>();
                parts.forEach(p -> merged.add(p.join()));
                return new io.streambus.broker.group.DeleteGroupsResult(ErrorCode.NONE, merged);
            });
        }).thenApply(res -> {
            if (res.errorCode() != ErrorCode.NONE) {
                return groupError(conn, h, res.errorCode(), String.join(",", r.groupIds()));
            }
            List<GroupResult> results = new ArrayList<>(res.results().size());
            for (io.streambus.broker.group.GroupResult g : res.results()) {
                results.add(new GroupResult(g.groupId(), g.errorCode()));
                if (g.errorCode() == ErrorCode.GROUP_AUTHORIZATION_FAILED) {
                    LOG.warn("{}: denied DeleteGroups (GROUP_DELETE on group '{}') for principal '{}'", conn,
                            Texts.printable(g.groupId(), 100), conn.principal());
                }
            }
            return success(conn, h, new DeleteGroupsResponse(results));
        });
    }

    private CompletableFuture<Reply> listGroups(ClientConnection conn, RequestHeader h, ListGroupsRequest r) {
        return groups.listGroups(conn.principal(), r.groupIdPrefix(), r.states()).thenApply(res -> {
            if (res.errorCode() != ErrorCode.NONE) {
                return groupError(conn, h, res.errorCode(), r.groupIdPrefix());
            }
            List<GroupInfo> list = new ArrayList<>(res.groups().size());
            for (GroupOverview g : res.groups()) {
                list.add(new GroupInfo(g.groupId(), g.protocolType(), g.state().wireName()));
            }
            if (shares != null) {
                // B.13.3: share groups too, protocol type "share", in the same unsigned byte order of group id.
                for (ShareCoordinator.Listing s : shares.list(conn.principal(), r.groupIdPrefix(), r.states())) {
                    list.add(new GroupInfo(s.groupId(), "share", s.state()));
                }
                list.sort((a, b) -> io.streambus.protocol.group.Utf8Order.compare(a.groupId(), b.groupId()));
            }
            try {
                return success(conn, h, new ListGroupsResponse(list));
            } catch (MessageTooLargeException e) {
                return error(conn, h, ErrorCode.MESSAGE_TOO_LARGE, "the list of " + list.size()
                        + " groups does not fit in a frame; narrow the group id prefix");
            }
        });
    }

    /** A request-level group error; 27 and 2 get a WARN line (denial, bad input), the protocol codes do not. */
    private static Reply groupError(ClientConnection conn, RequestHeader h, int code, String groupId) {
        String message = ErrorCode.nameOf(code) + " (group '" + Texts.printable(groupId, 200) + "')";
        if (code == ErrorCode.GROUP_AUTHORIZATION_FAILED) {
            LOG.warn("{}: denied {} (GROUP_READ on group '{}') for principal '{}'", conn, typeName(h),
                    Texts.printable(groupId, 100), conn.principal());
            message = Authorizer.denialMessage(conn.principal(), "GROUP_READ", groupId);
        } else if (code == ErrorCode.INVALID_REQUEST) {
            return badInput(conn, h, code, message);
        }
        return error(conn, h, code, message);
    }

    private static void logPartitionDenials(ClientConnection conn, RequestHeader h, int denied) {
        if (denied > 0) {
            LOG.warn("{}: denied {} on {} partition(s) (code 41) for principal '{}'", conn, typeName(h), denied,
                    conn.principal());
        }
    }
}
