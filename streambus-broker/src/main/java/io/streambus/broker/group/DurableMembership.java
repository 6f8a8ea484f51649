package io.streambus.broker.group;

import io.streambus.broker.limits.LogText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps group membership (members, generation, protocol, leader, assignments) across broker restarts, as records in
 * the offsets log ({@link OffsetStore}), the way Kafka keeps group metadata in its offsets topic: one store, one file
 * format, one flush policy and one writer for offsets and membership. A change is queued in the order the membership
 * manager makes it (under the group's lock), so an offset commit acknowledged after a change implies the change is
 * in the file; a kill before a change is written restores the previous state, whose members then rejoin as they
 * would have without this class.
 *
 * <p>Thread-safe: it holds no state besides the store, whose writes are queued and never block.
 */
final class DurableMembership {
    private static final Logger log = LoggerFactory.getLogger(DurableMembership.class);
    private static final byte[] CLEARED = new byte[0];
    private static final DurableMembership DISABLED = new DurableMembership(null, null);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** Where membership records go; the offsets log, or a test's controllable stand-in. */
    interface Writes {
        /** Queues {@code record} as the membership of {@code groupId}; completes when it is durable. */
        CompletableFuture<Void> put(String groupId, byte[] record);
    }

    private final OffsetStore store;
    private final Writes writes;

    private DurableMembership(OffsetStore store, Writes writes) {
        this.store = store;
        this.writes = writes;
    }

    /** Keeps nothing: membership is lost at a restart (B.6.1 as written). */
    static DurableMembership disabled() {
        return DISABLED;
    }

    /** Keeps membership in {@code store}, which the caller owns. */
    static DurableMembership in(OffsetStore store) {
        return new DurableMembership(store, store::putMembership);
    }

    /** Reads from {@code store} and writes through {@code writes}; for tests. */
    static DurableMembership in(OffsetStore store, Writes writes) {
        return new DurableMembership(store, writes);
    }

    /** Every stored group with members; records that cannot be read are skipped (their members rejoin). */
    List<DurableGroup> load() {
        List<DurableGroup> result = new ArrayList<>();
        if (store == null) {
            return result;
        }
        for (String id : store.groups()) {
            byte[] record = store.membership(id);
            if (record == null) {
                continue;
            }
            try {
                DurableGroup g = DurableGroupCodec.decode(record);
                if (!g.groupId().equals(id)) {
                    throw new IOException("record names group " + LogText.safe(g.groupId()));
                }
                result.add(g);
            } catch (IOException e) {
                log.warn("group {}: ignoring its unreadable stored membership; its members rejoin: {}",
                        LogText.safe(id), e.getMessage());
                clear(id);
            }
        }
        return result;
    }

    /**
     * Queues replacing the stored membership of {@code g.groupId()}; the caller holds the group's lock. The result
     * completes normally once the record is durable under the flush policy, or once the write failed (logged): a
     * failure costs a rejoin after a restart, not an error to the members.
     */
    CompletableFuture<Void> save(DurableGroup g) {
        if (store == null) {
            return DONE;
        }
        byte[] record = DurableGroupCodec.encode(g);
        if (record.length > OffsetStore.MAX_RECORD_BYTES - 8192) {
            // Too large for one log record: better no membership (its members rejoin) than a stale one.
            log.warn("group {}: membership of {} bytes is too large to keep across a restart",
                    LogText.safe(g.groupId()), record.length);
            return clear(g.groupId());
        }
        return write(g.groupId(), record);
    }

    /** Queues deleting the stored membership of {@code groupId} (it became Empty or Dead); completes as save does. */
    CompletableFuture<Void> clear(String groupId) {
        return store == null ? DONE : write(groupId, CLEARED);
    }

    private CompletableFuture<Void> write(String groupId, byte[] record) {
        return writes.put(groupId, record).handle((v, e) -> {
            if (e != null) {
                log.warn("group {}: could not store its membership: {}", LogText.safe(groupId), e.toString());
            }
            return null;
        });
    }
}
