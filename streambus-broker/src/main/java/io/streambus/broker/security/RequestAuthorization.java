package io.streambus.broker.security;

import java.util.List;
import java.util.Optional;

/**
 * Which ACL checks each request type needs, and how a denial is reported. The broker looks up the request's type
 * with {@link #forType(int)} and runs every {@link Check} with {@link Authorizer#authorize(String,
 * RequestAuthorization.Check, String)}.
 *
 * <table>
 *   <caption>Request types and checks (41 = AuthorizationFailed, 27 = GroupAuthorizationFailed)</caption>
 *   <tr><th>Type</th><th>Check</th><th>On denial</th></tr>
 *   <tr><td>0x01 Produce</td><td>produce on topic</td><td>41, request (TOPIC_WRITE)</td></tr>
 *   <tr><td>0x02 Fetch</td><td>fetch on topic</td><td>41, request (TOPIC_READ)</td></tr>
 *   <tr><td>0x03 GetOffset</td><td>describe on topic</td><td>41, request (TOPIC_DESCRIBE)</td></tr>
 *   <tr><td>0x04 CreateTopic</td><td>admin on topic</td><td>41, request (TOPIC_CREATE)</td></tr>
 *   <tr><td>0x05 DeleteTopic</td><td>admin on topic</td><td>41, request (TOPIC_DELETE)</td></tr>
 *   <tr><td>0x06 ListTopics</td><td>describe on each topic</td><td>topic left out of the list</td></tr>
 *   <tr><td>0x07 HealthCheck</td><td>none</td><td>— (the client's keep-alive; reveals nothing)</td></tr>
 *   <tr><td>0x08–0x0B Join/Sync/Heartbeat/Leave</td><td>group on group</td><td>27, request (GROUP_READ)</td></tr>
 *   <tr><td>0x0C OffsetCommit</td><td>group on group; fetch on each topic</td><td>27 request; 41 per partition</td></tr>
 *   <tr><td>0x0D OffsetFetch</td><td>group on group; describe on each topic</td><td>27 request; 41 per partition</td></tr>
 *   <tr><td>0x0E InitProducerID</td><td>produce on transactional id</td><td>41, request (TRANSACTIONAL_ID_WRITE)</td></tr>
 *   <tr><td>0x0F AddPartitionsToTxn</td><td>produce on each topic</td><td>41 per partition</td></tr>
 *   <tr><td>0x10 AddOffsetsToTxn</td><td>group on group</td><td>27, request</td></tr>
 *   <tr><td>0x11 EndTxn</td><td>none (the transactional id was checked by InitProducerID)</td><td>—</td></tr>
 *   <tr><td>0x12 TxnOffsetCommit</td><td>group on group; fetch on each topic</td><td>27 request; 41 per partition</td></tr>
 *   <tr><td>0x13 DeleteGroups</td><td>admin on each group</td><td>27 per group (GROUP_DELETE)</td></tr>
 *   <tr><td>0x14 ListGroups</td><td>describe on each group</td><td>group left out of the list</td></tr>
 *   <tr><td>0x19 InitXaBranch</td><td>produce on transactional id</td><td>41, request</td></tr>
 *   <tr><td>0x1A PrepareTxn</td><td>none (as EndTxn)</td><td>—</td></tr>
 *   <tr><td>0x1B EndXaBranch</td><td>produce on transactional id</td><td>41, request</td></tr>
 *   <tr><td>0x1C ListXaBranches</td><td>describe on each transactional id</td><td>branch left out</td></tr>
 *   <tr><td>0x20–0x22 SASL, ApiVersions</td><td>none</td><td>—</td></tr>
 * </table>
 *
 * Unlike the reference (A.9), ListTopics is filtered per topic instead of needing describe on the cluster, so that
 * pattern subscriptions work for users who may only see some topics; HealthCheck needs no permission.
 */
public enum RequestAuthorization {
    PRODUCE(0x01, "Produce", request(Operation.PRODUCE, ResourceType.TOPIC, 41, "TOPIC_WRITE")),
    FETCH(0x02, "Fetch", request(Operation.FETCH, ResourceType.TOPIC, 41, "TOPIC_READ")),
    GET_OFFSET(0x03, "GetOffset", request(Operation.DESCRIBE, ResourceType.TOPIC, 41, "TOPIC_DESCRIBE")),
    CREATE_TOPIC(0x04, "CreateTopic", request(Operation.ADMIN, ResourceType.TOPIC, 41, "TOPIC_CREATE")),
    DELETE_TOPIC(0x05, "DeleteTopic", request(Operation.ADMIN, ResourceType.TOPIC, 41, "TOPIC_DELETE")),
    LIST_TOPICS(0x06, "ListTopics", filter(Operation.DESCRIBE, ResourceType.TOPIC, "TOPIC_DESCRIBE")),
    HEALTH_CHECK(0x07, "HealthCheck"),
    JOIN_GROUP(0x08, "JoinGroup", groupRequest()),
    SYNC_GROUP(0x09, "SyncGroup", groupRequest()),
    HEARTBEAT(0x0A, "Heartbeat", groupRequest()),
    LEAVE_GROUP(0x0B, "LeaveGroup", groupRequest()),
    OFFSET_COMMIT(0x0C, "OffsetCommit", groupRequest(),
            perItem(Operation.FETCH, ResourceType.TOPIC, 41, "TOPIC_READ")),
    OFFSET_FETCH(0x0D, "OffsetFetch", groupRequest(),
            perItem(Operation.DESCRIBE, ResourceType.TOPIC, 41, "TOPIC_DESCRIBE")),
    INIT_PRODUCER_ID(0x0E, "InitProducerID",
            request(Operation.PRODUCE, ResourceType.TRANSACTIONAL_ID, 41, "TRANSACTIONAL_ID_WRITE")),
    ADD_PARTITIONS_TO_TXN(0x0F, "AddPartitionsToTxn",
            perItem(Operation.PRODUCE, ResourceType.TOPIC, 41, "TOPIC_WRITE")),
    ADD_OFFSETS_TO_TXN(0x10, "AddOffsetsToTxn", groupRequest()),
    END_TXN(0x11, "EndTxn"),
    TXN_OFFSET_COMMIT(0x12, "TxnOffsetCommit", groupRequest(),
            perItem(Operation.FETCH, ResourceType.TOPIC, 41, "TOPIC_READ")),
    DELETE_GROUPS(0x13, "DeleteGroups", perItem(Operation.ADMIN, ResourceType.GROUP, 27, "GROUP_DELETE")),
    LIST_GROUPS(0x14, "ListGroups", filter(Operation.DESCRIBE, ResourceType.GROUP, "GROUP_DESCRIBE")),
    INIT_XA_BRANCH(0x19, "InitXaBranch",
            request(Operation.PRODUCE, ResourceType.TRANSACTIONAL_ID, 41, "TRANSACTIONAL_ID_WRITE")),
    PREPARE_TXN(0x1A, "PrepareTxn"),
    END_XA_BRANCH(0x1B, "EndXaBranch",
            request(Operation.PRODUCE, ResourceType.TRANSACTIONAL_ID, 41, "TRANSACTIONAL_ID_WRITE")),
    LIST_XA_BRANCHES(0x1C, "ListXaBranches",
            filter(Operation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, "TRANSACTIONAL_ID_DESCRIBE")),
    SASL_HANDSHAKE(0x20, "SaslHandshake"),
    SASL_AUTHENTICATE(0x21, "SaslAuthenticate"),
    API_VERSIONS(0x22, "ApiVersions");

    /** How a failed check is reported. */
    public enum Scope {
        /** The whole request fails: status 1 with {@link Check#denialCode()} and {@link Check#denialMessage}. */
        REQUEST,
        /** Only the affected partition or group gets {@link Check#denialCode()} in the success payload. */
        PER_ITEM,
        /** The item is silently left out of a listing. */
        FILTER
    }

    /**
     * One check.
     *
     * @param operation what must be allowed
     * @param resourceType on what
     * @param scope how a denial is reported
     * @param denialCode wire code (41 or 27); 0 for {@link Scope#FILTER}
     * @param action the action name in denial messages, e.g. {@code TOPIC_WRITE}
     */
    public record Check(Operation operation, ResourceType resourceType, Scope scope, int denialCode, String action) {
        /** The A.9-style denial message for this check. */
        public String denialMessage(String principal, String resourceName) {
            return Authorizer.denialMessage(principal, action,
                    resourceType == ResourceType.CLUSTER ? ResourceType.CLUSTER_NAME : resourceName);
        }
    }

    private static final RequestAuthorization[] BY_TYPE = new RequestAuthorization[256];

    static {
        for (RequestAuthorization r : values()) {
            BY_TYPE[r.type] = r;
        }
    }

    private final int type;
    private final String requestName;
    private final List<Check> checks;

    RequestAuthorization(int type, String requestName, Check... checks) {
        this.type = type;
        this.requestName = requestName;
        this.checks = List.of(checks);
    }

    /** The request type byte. */
    public int type() {
        return type;
    }

    /** The spec's name of the request. */
    public String requestName() {
        return requestName;
    }

    /** The checks, in the order to run them (request-level group check before per-partition topic checks). */
    public List<Check> checks() {
        return checks;
    }

    /** The entry for a request type byte, or empty for types outside the spec. */
    public static Optional<RequestAuthorization> forType(int type) {
        return type < 0 || type > 255 ? Optional.empty() : Optional.ofNullable(BY_TYPE[type]);
    }

    private static Check request(Operation op, ResourceType type, int code, String action) {
        return new Check(op, type, Scope.REQUEST, code, action);
    }

    private static Check perItem(Operation op, ResourceType type, int code, String action) {
        return new Check(op, type, Scope.PER_ITEM, code, action);
    }

    private static Check filter(Operation op, ResourceType type, String action) {
        return new Check(op, type, Scope.FILTER, 0, action);
    }

    private static Check groupRequest() {
        return request(Operation.GROUP, ResourceType.GROUP, 27, "GROUP_READ");
    }
}
