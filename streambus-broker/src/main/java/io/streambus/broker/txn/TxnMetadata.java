package io.streambus.broker.txn;

import io.streambus.protocol.txn.Xid;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coordinator's record of one transaction id (B.7.1) or XA branch (B.7.8.1): producer id and epoch, timeout,
 * state, and the partitions, groups and staged offsets of its current transaction. Not thread-safe: the
 * {@link TransactionCoordinator} guards each instance with its monitor.
 */
final class TxnMetadata {
    /** A staged offset (B.7.5). */
    record Staged(long offset, String metadata) {
    }

    final String transactionalId;
    /** The branch's xid, or null for an ordinary transaction id. */
    final Xid xid;
    long producerId;
    short epoch;
    int timeoutMs;
    TxnState state = TxnState.EMPTY;
    long stateSinceMs;
    /** When the timeout started (first AddPartitions/AddOffsets; InitXaBranch for a branch). */
    long txnStartMs;
    /** Aborted by the broker (timeout or restart) and not yet reported with 38 (B.7.1 step 4). */
    boolean abortedByBroker;
    /** The pending decision is an operator's (B.7.8.7). */
    boolean heuristic;
    final TreeMap<String, TreeSet<Integer>> partitions = new TreeMap<>();
    final TreeSet<String> groups = new TreeSet<>();
    final TreeMap<String, TreeMap<String, TreeMap<Integer, Staged>>> staged = new TreeMap<>();
    /** Forgotten: no longer in the coordinator's maps. */
    boolean dead;

    TxnMetadata(String transactionalId, Xid xid) {
        this.transactionalId = transactionalId;
        this.xid = xid;
    }

    /** Moves to {@code next} (checked), recording the time. */
    void transitionTo(TxnState next, long nowMs) {
        state = state.checkTransition(next);
        stateSinceMs = nowMs;
    }

    /** Clears what the previous transaction held. */
    void clearTransaction() {
        partitions.clear();
        groups.clear();
        staged.clear();
    }

    byte[] serialize() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(transactionalId);
            out.writeBoolean(xid != null);
            if (xid != null) {
                out.writeInt(xid.formatId());
                out.writeByte(xid.globalTransactionId().length);
                out.write(xid.globalTransactionId());
                out.writeByte(xid.branchQualifier().length);
                out.write(xid.branchQualifier());
            }
            out.writeLong(producerId);
            out.writeShort(epoch);
            out.writeInt(timeoutMs);
            out.writeUTF(state.name());
            out.writeLong(stateSinceMs);
            out.writeLong(txnStartMs);
            out.writeBoolean(abortedByBroker);
            out.writeBoolean(heuristic);
            out.writeInt(partitions.size());
            for (Map.Entry<String, TreeSet<Integer>> e : partitions.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().size());
                for (int p : e.getValue()) {
                    out.writeInt(p);
                }
            }
            out.writeInt(groups.size());
            for (String g : groups) {
                out.writeUTF(g);
            }
            out.writeInt(staged.size());
            for (Map.Entry<String, TreeMap<String, TreeMap<Integer, Staged>>> g : staged.entrySet()) {
                out.writeUTF(g.getKey());
                out.writeInt(g.getValue().size());
                for (Map.Entry<String, TreeMap<Integer, Staged>> t : g.getValue().entrySet()) {
                    out.writeUTF(t.getKey());
                    out.writeInt(t.getValue().size());
                    for (Map.Entry<Integer, Staged> p : t.getValue().entrySet()) {
                        out.writeInt(p.getKey());
                        out.writeLong(p.getValue().offset());
                        byte[] md = p.getValue().metadata().getBytes(StandardCharsets.UTF_8);
                        out.writeInt(md.length);
                        out.write(md);
                    }
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TxnMetadata deserialize(ByteBuffer b) {
        try {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes));
            String id = in.readUTF();
            Xid xid = null;
            if (in.readBoolean()) {
                int fmt = in.readInt();
                byte[] g = new byte[in.readUnsignedByte()];
                in.readFully(g);
                byte[] q = new byte[in.readUnsignedByte()];
                in.readFully(q);
                xid = new Xid(fmt, g, q);
            }
            TxnMetadata m = new TxnMetadata(id, xid);
            m.producerId = in.readLong();
            m.epoch = in.readShort();
            m.timeoutMs = in.readInt();
            m.state = TxnState.valueOf(in.readUTF());
            m.stateSinceMs = in.readLong();
            m.txnStartMs = in.readLong();
            m.abortedByBroker = in.readBoolean();
            m.heuristic = in.readBoolean();
            int nt = in.readInt();
            for (int i = 0; i < nt; i++) {
                TreeSet<Integer> ps = m.partitions.computeIfAbsent(in.readUTF(), k -> new TreeSet<>());
                int np = in.readInt();
                for (int j = 0; j < np; j++) {
                    ps.add(in.readInt());
                }
            }
            int ng = in.readInt();
            for (int i = 0; i < ng; i++) {
                m.groups.add(in.readUTF());
            }
            int ns = in.readInt();
            for (int i = 0; i < ns; i++) {
                TreeMap<String, TreeMap<Integer, Staged>> g = m.staged.computeIfAbsent(in.readUTF(),
                        k -> new TreeMap<>());
                int t = in.readInt();
                for (int j = 0; j < t; j++) {
                    TreeMap<Integer, Staged> ps = g.computeIfAbsent(in.readUTF(), k -> new TreeMap<>());
                    int np = in.readInt();
                    for (int k = 0; k < np; k++) {
                        int p = in.readInt();
                        long off = in.readLong();
                        byte[] md = new byte[in.readInt()];
                        in.readFully(md);
                        ps.put(p, new Staged(off, new String(md, StandardCharsets.UTF_8)));
                    }
                }
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
