package io.streambus.broker.server;

import static io.streambus.broker.server.RequestDispatcher.badInput;
import static io.streambus.broker.server.RequestDispatcher.error;
import static io.streambus.broker.server.RequestDispatcher.success;
import static io.streambus.broker.server.RequestDispatcher.typeName;

import io.streambus.broker.security.Authorizer;
import io.streambus.broker.share.ShareCoordinator;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.RequestBody;
import io.streambus.protocol.RequestHeader;
import io.streambus.protocol.ResponseBody;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareGroupConfigureRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The share-group requests (B.13: 0x15-0x18): hands decoded requests to the {@link ShareCoordinator} and turns its
 * outcomes into frames. A ShareFetch may be held up to its max wait; the connection handler keeps later requests of
 * the connection waiting meanwhile (B.2), which is why clients fetch on a connection of their own (B.13.12).
 * Thread-safe.
 */
final class ShareRequests {
    private static final Logger LOG = LoggerFactory.getLogger(ShareRequests.class);

    private final ShareCoordinator shares;

    ShareRequests(ShareCoordinator shares) {
        this.shares = shares;
    }

    CompletableFuture<Reply> handle(ClientConnection conn, RequestHeader h, RequestBody body) {
        String principal = conn.principal();
        return switch (h.apiKey()) {
            case SHARE_GROUP_HEARTBEAT -> shares.heartbeat(principal, (ShareGroupHeartbeatRequest) body)
                    .thenApply(o -> reply(conn, h, o, ((ShareGroupHeartbeatRequest) body).groupId()));
            case SHARE_FETCH -> shares.fetch(principal, (ShareFetchRequest) body, () -> conn.channel().isActive(),
                    conn.channel().alloc()).thenApply(o -> {
                        try {
                            return reply(conn, h, o, ((ShareFetchRequest) body).groupId());
                        } finally {
                            if (o.body() != null) {
                                o.body().release(); // encoding copied the records
                            }
                        }
                    });
            case SHARE_ACKNOWLEDGE -> shares.acknowledge(principal, (ShareAcknowledgeRequest) body)
                    .thenApply(o -> reply(conn, h, o, ((ShareAcknowledgeRequest) body).groupId()));
            case SHARE_GROUP_CONFIGURE -> shares.configure(principal, (ShareGroupConfigureRequest) body)
                    .thenApply(o -> reply(conn, h, o, ((ShareGroupConfigureRequest) body).groupId()));
            default -> throw new IllegalArgumentException("not a share-group request: " + h.apiKey());
        };
    }

    private static <T extends ResponseBody> Reply reply(ClientConnection conn, RequestHeader h,
                                                        ShareCoordinator.Outcome<T> o, String groupId) {
        if (o.errorCode() == ErrorCode.NONE) {
            return success(conn, h, o.body());
        }
        int code = o.errorCode();
        if (code == ErrorCode.GROUP_AUTHORIZATION_FAILED) {
            LOG.warn("{}: denied {} on group '{}' for principal '{}'", conn, typeName(h),
                    Texts.printable(groupId, 100), conn.principal());
            return error(conn, h, code, Authorizer.denialMessage(conn.principal(), "GROUP_READ", groupId));
        }
        String message = o.message() != null ? o.message()
                : ErrorCode.nameOf(code) + " (group '" + Texts.printable(groupId, 200) + "')";
        if (code == ErrorCode.INVALID_REQUEST || code == ErrorCode.INVALID_FILTER) {
            return badInput(conn, h, code, message);
        }
        return error(conn, h, code, Texts.printable(message, 400));
    }
}
