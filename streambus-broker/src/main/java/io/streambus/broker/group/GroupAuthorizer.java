package io.streambus.broker.group;

/**
 * Authorization callback the server plugs in (its ACLs). Called on the request's thread, possibly concurrently:
 * implementations must be thread-safe, fast and non-blocking.
 */
public interface GroupAuthorizer {

    /** Allows everything (a broker without an ACL file). */
    GroupAuthorizer ALLOW_ALL = new GroupAuthorizer() {
        @Override
        public boolean authorizeGroup(String principal, GroupAction action, String groupId) {
            return true;
        }

        @Override
        public boolean authorizeTopic(String principal, GroupAction action, String topic) {
            return true;
        }
    };

    /** May {@code principal} do {@code action} on group {@code groupId}? False gives code 27. */
    boolean authorizeGroup(String principal, GroupAction action, String groupId);

    /**
     * May {@code principal} commit ({@link GroupAction#COMMIT_OFFSETS}) or read ({@link GroupAction#FETCH_OFFSETS})
     * offsets of {@code topic}? False gives code 41 on that topic's partitions.
     */
    boolean authorizeTopic(String principal, GroupAction action, String topic);
}
