package io.streambus.client.internal.share;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.StreamBusException;
import io.streambus.client.internal.net.Backoff;
import io.streambus.client.internal.net.BodySupplier;
import io.streambus.protocol.DecodedResponse;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Membership of one share consumer (spec B.13.4, B.13.12 rule 2): joins with ShareGroupHeartbeat, then heartbeats
 * every interval of the latest reply with the complete subscription, on the sender's timer threads (never on the
 * application's thread, so record processing cannot delay it), and leaves. Reacts to the codes of B.13.12: 20/24
 * forget the member id and join again, 6/25/connection loss retry after a backoff, 27/41/50/2 fail the member.
 *
 * <p>Thread-safe: state is guarded by this object; the listener is called without the lock held.
 */
final class ShareMembership {
    private static final Logger LOG = LoggerFactory.getLogger(ShareMembership.class);

    /** What the consumer learns from the membership. Called on I/O (timer) threads; must not block. */
    interface Listener {
        /** A reply brought this assignment (possibly unchanged). */
        void onAssignment(Set<TopicPartition> assignment);

        /** The member id was forgotten (20/24): every record held is lost; joining again. */
        void onMemberLost();

        /** The member failed for good. */
        void onFatal(StreamBusException error);
    }

    private final String groupId;
    private final String clientId;
    private final RequestSender sender;
    private final Backoff backoff;
    private final Listener listener;

    // Guarded by this.
    private ShareMemberState state = ShareMemberState.UNSUBSCRIBED;
    private List<String> topics = List.of();
    private String memberId = "";
    private Set<TopicPartition> assignment = Set.of();
    private boolean inFlight;
    /** A heartbeat was asked for while one was in flight: send another as soon as it returns. */
    private boolean again;
    /** Bumped whenever a heartbeat is sent, so that an older scheduled one does nothing. */
    private long epoch;
    private int failures;
    private int heartbeatIntervalMs;

    ShareMembership(String groupId, String clientId, RequestSender sender, Backoff backoff,
                    Listener listener) {
        this.groupId = groupId;
        this.clientId = clientId;
        this.sender = sender;
        this.backoff = backoff;
        this.listener = listener;
    }

    /** The current state. */
    synchronized ShareMemberState state() {
        return state;
    }

    /** The member id ("" while joining). */
    synchronized String memberId() {
        return memberId;
    }

    /** The latest assignment (empty unless STABLE). */
    synchronized Set<TopicPartition> assignment() {
        return state == ShareMemberState.STABLE ? assignment : Set.of();
    }

    /** Heartbeat interval of the latest reply, 0 before any. */
    synchronized int heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    /** Joins with {@code topics}, or sends the new subscription at once if already a member. */
    void subscribe(List<String> newTopics) {
        synchronized (this) {
            topics = List.copyOf(newTopics);
            if (state == ShareMemberState.UNSUBSCRIBED) {
                state = state.moveTo(ShareMemberState.JOINING);
            } else if (state != ShareMemberState.JOINING && state != ShareMemberState.STABLE) {
                throw new IllegalStateException("cannot subscribe a share consumer that is " + state);
            }
        }
        heartbeatNow();
    }

    /** Drops partitions the broker says are not ours (53, 8, 5) and asks for the assignment at once. */
    void partitionGone(TopicPartition tp) {
        synchronized (this) {
            if (assignment.contains(tp)) {
                Set<TopicPartition> a = new TreeSet<>(assignment);
                a.remove(tp);
                assignment = Set.copyOf(a);
            }
        }
        heartbeatNow();
    }

    /** The consumer's request got 20/24: forget the member id and join again (B.13.12). */
    void memberLost() {
        boolean lost;
        synchronized (this) {
            lost = state == ShareMemberState.STABLE;
            if (lost) {
                state = state.moveTo(ShareMemberState.JOINING);
                memberId = "";
                assignment = Set.of();
            }
        }
        if (lost) {
            listener.onMemberLost();
            heartbeatNow();
        }
    }

    /** Fails the member (a fatal error seen by the consumer). */
    void fail() {
        synchronized (this) {
            if (state.canMoveTo(ShareMemberState.FAILED)) {
                state = state.moveTo(ShareMemberState.FAILED);
            }
        }
    }

    /** Sends a heartbeat now (or right after the one in flight). */
    void heartbeatNow() {
        long e;
        synchronized (this) {
            if (inFlight) {
                again = true;
                return;
            }
            if (state != ShareMemberState.JOINING && state != ShareMemberState.STABLE) {
                return;
            }
            inFlight = true;
            e = ++epoch;
        }
        send(e);
    }

    private void scheduled(long e) {
        synchronized (this) {
            if (e != epoch || inFlight || (state != ShareMemberState.JOINING && state != ShareMemberState.STABLE)) {
                return;
            }
            inFlight = true;
            e = ++epoch;
        }
        send(e);
    }

    private void send(long e) {
        ShareGroupHeartbeatRequest req;
        synchronized (this) {
            req = new ShareGroupHeartbeatRequest(groupId, memberId, false, clientId, topics);
        }
        sender.send(BodySupplier.of(req), 0, sender.requestTimeoutNanos())
                .whenComplete((r, err) -> onReply(r, err));
    }

    private void onReply(DecodedResponse r, Throwable err) {
        Set<TopicPartition> newAssignment = null;
        StreamBusException fatal = null;
        boolean lost = false;
        long delayMs;
        synchronized (this) {
            inFlight = false;
            if (err == null) {
                ShareGroupHeartbeatResponse hb;
                try (r) {
                    hb = r.body(ShareGroupHeartbeatResponse.class);
                }
                failures = 0;
                if (state == ShareMemberState.JOINING || state == ShareMemberState.STABLE) {
                    if (state == ShareMemberState.JOINING) {
                        state = state.moveTo(ShareMemberState.STABLE);
                        LOG.debug("joined share group {} as {}", groupId, hb.memberId());
                    }
                    memberId = hb.memberId();
                    heartbeatIntervalMs = hb.heartbeatIntervalMs();
                    Set<TopicPartition> a = new TreeSet<>();
                    hb.assignment().asMap().forEach((t, ps) -> ps.forEach(p -> a.add(new TopicPartition(t, p))));
                    assignment = Set.copyOf(a);
                    newAssignment = assignment;
                }
                delayMs = Math.max(1, heartbeatIntervalMs);
            } else {
                Throwable cause = Errors.unwrap(err);
                int code = cause instanceof BrokerErrorException b ? b.code() : -1;
                if (code == ErrorCode.UNKNOWN_MEMBER_ID || code == ErrorCode.UNKNOWN_CONSUMER_GROUP_ID) {
                    if (state == ShareMemberState.STABLE) {
                        state = state.moveTo(ShareMemberState.JOINING);
                        lost = true;
                    }
                    memberId = "";
                    assignment = Set.of();
                    delayMs = 0;
                } else if (Errors.isRetriable(cause)) {
                    delayMs = backoff.delayMs(failures++);
                    LOG.debug("heartbeat of share group {} failed, retrying in {} ms: {}", groupId, delayMs,
                            cause.toString());
                } else {
                    fatal = Errors.toStreamBus(cause, "ShareGroupHeartbeat of share group '" + groupId + "'");
                    if (state.canMoveTo(ShareMemberState.FAILED)) {
                        state = state.moveTo(ShareMemberState.FAILED);
                    }
                    delayMs = -1;
                }
            }
            if (again) {
                again = false;
                delayMs = delayMs < 0 ? -1 : 0;
            }
        }
        if (lost) {
            listener.onMemberLost();
        }
        if (newAssignment != null) {
            listener.onAssignment(newAssignment);
        }
        if (fatal != null) {
            listener.onFatal(fatal);
            return;
        }
        long e;
        synchronized (this) {
            e = epoch;
        }
        if (delayMs == 0) {
            scheduled(e);
        } else if (delayMs > 0) {
            long ee = e;
            sender.schedule(() -> scheduled(ee), delayMs);
        }
    }

    /**
     * Leaves the group (leave = 1) if a member; 20 counts as success (B.13.12). Moves to UNSUBSCRIBED, or CLOSED
     * when {@code closing}. The future completes when the leave is answered, or at once when there is nothing to
     * leave; it never fails.
     */
    CompletableFuture<Void> leave(boolean closing) {
        String id;
        synchronized (this) {
            ShareMemberState target = closing ? ShareMemberState.CLOSED : ShareMemberState.UNSUBSCRIBED;
            epoch++; // no scheduled heartbeat runs after this
            topics = List.of();
            if (state == ShareMemberState.JOINING || state == ShareMemberState.STABLE) {
                state = state.moveTo(ShareMemberState.LEAVING);
                id = memberId;
            } else {
                if (state != target && state.canMoveTo(target)) {
                    state = state.moveTo(target);
                }
                return CompletableFuture.completedFuture(null);
            }
            memberId = "";
            assignment = Set.of();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (id.isEmpty()) {
            finishLeave(closing);
            done.complete(null);
            return done;
        }
        ShareGroupHeartbeatRequest req = new ShareGroupHeartbeatRequest(groupId, id, true, clientId,
                new ArrayList<>());
        sender.send(BodySupplier.of(req), 0, sender.requestTimeoutNanos()).whenComplete((r, err) -> {
            if (r != null) {
                r.close();
            }
            if (err != null) {
                Throwable c = Errors.unwrap(err);
                if (!(c instanceof BrokerErrorException b && b.code() == ErrorCode.UNKNOWN_MEMBER_ID)) {
                    LOG.debug("leaving share group {} failed (the session timeout removes the member): {}",
                            groupId, c.toString());
                }
            }
            finishLeave(closing);
            done.complete(null);
        });
        return done;
    }

    private synchronized void finishLeave(boolean closing) {
        if (state == ShareMemberState.LEAVING) {
            state = state.moveTo(closing ? ShareMemberState.CLOSED : ShareMemberState.UNSUBSCRIBED);
        }
    }

    /** Moves a failed or unsubscribed member to CLOSED (after {@link #leave}). */
    synchronized void closed() {
        if (state != ShareMemberState.CLOSED && state.canMoveTo(ShareMemberState.CLOSED)) {
            state = state.moveTo(ShareMemberState.CLOSED);
        }
    }
}
