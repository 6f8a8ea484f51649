package io.streambus.broker.group;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a membership record in the offsets log ({@link OffsetStore} frames it with its length and CRC32C):
 * a version byte (1), then the fields of {@link DurableGroup} with strings and byte strings as {@code i32 length}
 * (-1 for null) and bytes. Stateless and thread-safe.
 */
final class DurableGroupCodec {
    private static final byte VERSION = 1;

    private DurableGroupCodec() {
    }

    /** Encodes {@code g}. */
    static byte[] encode(DurableGroup g) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeByte(VERSION);
            writeString(out, g.groupId());
            writeString(out, g.protocolType());
            out.writeInt(g.generation());
            writeString(out, g.protocol());
            writeString(out, g.leaderId());
            out.writeBoolean(g.stable());
            out.writeInt(g.members().size());
            for (DurableGroup.DurableMember m : g.members()) {
                writeString(out, m.id());
                writeString(out, m.clientId());
                out.writeInt(m.sessionTimeoutMs());
                out.writeInt(m.rebalanceTimeoutMs());
                out.writeInt(m.protocols().size());
                for (Protocol p : m.protocols()) {
                    writeString(out, p.name());
                    writeBytes(out, p.metadata());
                }
                writeBytes(out, m.assignment());
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a record written by {@link #encode}.
     *
     * @throws IOException if it is malformed or of an unknown version
     */
    static DurableGroup decode(byte[] record) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown membership record version " + version);
        }
        String id = readString(in);
        String type = readString(in);
        int generation = in.readInt();
        String protocol = readString(in);
        String leader = readString(in);
        boolean stable = in.readBoolean();
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("member count " + n);
        }
        List<DurableGroup.DurableMember> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String mid = readString(in);
            String cid = readString(in);
            int session = in.readInt();
            int rebalance = in.readInt();
            int np = in.readInt();
            if (np < 0 || np > in.available()) {
                throw new IOException("protocol count " + np);
            }
            List<Protocol> protocols = new ArrayList<>(np);
            for (int k = 0; k < np; k++) {
                protocols.add(new Protocol(readString(in), readBytes(in)));
            }
            byte[] assignment = readBytes(in);
            if (mid == null) {
                throw new IOException("member without an id");
            }
            members.add(new DurableGroup.DurableMember(mid, cid == null ? "" : cid, session, rebalance,
                    List.copyOf(protocols), assignment == null ? new byte[0] : assignment));
        }
        if (id == null || type == null || in.available() != 0) {
            throw new IOException("malformed membership record");
        }
        return new DurableGroup(id, type, generation, protocol, leader, stable, List.copyOf(members));
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < -1 || n > in.available()) {
            throw new IOException("bad length " + n);
        }
        return n == -1 ? null : in.readNBytes(n);
    }
}
