package io.streambus.broker.server;

import io.streambus.broker.group.GroupAction;
import io.streambus.broker.group.GroupAuthorizer;
import io.streambus.broker.security.Authorizer;
import io.streambus.broker.security.RequestAuthorization;
import io.streambus.broker.security.ResourceType;

/**
 * The group coordinator's view of the ACLs: each {@link GroupAction} is checked with the same
 * {@link RequestAuthorization} entry as the request it comes from, so groups and topics follow one table. Denials are
 * logged by the request dispatcher, which knows the connection. Thread-safe.
 */
final class AclGroupAuthorizer implements GroupAuthorizer {
    private final Authorizer authorizer;

    AclGroupAuthorizer(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public boolean authorizeGroup(String principal, GroupAction action, String groupId) {
        return check(principal, action, ResourceType.GROUP, groupId);
    }

    @Override
    public boolean authorizeTopic(String principal, GroupAction action, String topic) {
        return check(principal, action, ResourceType.TOPIC, topic);
    }

    private boolean check(String principal, GroupAction action, ResourceType type, String name) {
        if (authorizer.isAllowAll()) {
            return true;
        }
        for (RequestAuthorization.Check c : RequestAuthorization.forType(requestType(action)).orElseThrow().checks()) {
            if (c.resourceType() == type && !authorizer.authorize(principal, c, name)) {
                return false;
            }
        }
        return true;
    }

    private static int requestType(GroupAction action) {
        return switch (action) {
            case JOIN -> 0x08;
            case SYNC -> 0x09;
            case HEARTBEAT -> 0x0A;
            case LEAVE -> 0x0B;
            case COMMIT_OFFSETS -> 0x0C;
            case FETCH_OFFSETS -> 0x0D;
            case DELETE -> 0x13;
            case DESCRIBE -> 0x14;
        };
    }
}
