package io.streambus.broker.share;

import io.streambus.broker.security.Authorizer;
import io.streambus.broker.security.Operation;
import io.streambus.broker.security.ResourceType;

/**
 * The ACL rights of share-group requests (spec B.13.13), mapped onto the broker's operations: group read is
 * {@code group} on the group (as JoinGroup), describe is {@code describe} on the group (as ListGroups), alter is
 * {@code admin} on the group (as DeleteGroups); topic read is {@code fetch}, topic write {@code produce}. Immutable
 * and thread-safe.
 */
public final class ShareAccess {
    /** Allows everything. */
    public static final ShareAccess ALLOW_ALL = new ShareAccess(Authorizer.allowAll());

    private final Authorizer authorizer;

    /** Rights from {@code authorizer}. */
    public ShareAccess(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /** Group read (heartbeat, fetch, acknowledge). */
    public boolean readGroup(String principal, String group) {
        return authorizer.isAllowAll() || authorizer.authorize(principal, Operation.GROUP, ResourceType.GROUP, group);
    }

    /** Group describe (ShareGroupConfigure with mask 0, ListGroups). */
    public boolean describeGroup(String principal, String group) {
        return authorizer.isAllowAll()
                || authorizer.authorize(principal, Operation.DESCRIBE, ResourceType.GROUP, group);
    }

    /** Group alter (ShareGroupConfigure with a mask, DeleteGroups). */
    public boolean alterGroup(String principal, String group) {
        return authorizer.isAllowAll() || authorizer.authorize(principal, Operation.ADMIN, ResourceType.GROUP, group);
    }

    /** Topic read. */
    public boolean readTopic(String principal, String topic) {
        return authorizer.isAllowAll() || authorizer.authorize(principal, Operation.FETCH, ResourceType.TOPIC, topic);
    }

    /** Topic write (setting a dead-letter topic). */
    public boolean writeTopic(String principal, String topic) {
        return authorizer.isAllowAll()
                || authorizer.authorize(principal, Operation.PRODUCE, ResourceType.TOPIC, topic);
    }
}
