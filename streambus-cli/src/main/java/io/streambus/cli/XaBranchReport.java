package io.streambus.cli;

import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.txn.XaBranch;
import io.streambus.protocol.txn.Xid;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The table and JSON forms of XA branches as ListXaBranches (spec B.7.8.5) reports them, shared by
 * {@code transactions list|describe} and {@code xa list}. A branch's age is counted from its {@code state since} time
 * (the broker's wall clock) to this machine's clock. Stateless and thread-safe.
 */
final class XaBranchReport {
    /** Which columns a listing shows; the JSON form is the same for both. */
    enum View {
        /** By XA transaction id, with the producer id and epoch ({@code transactions list}). */
        TRANSACTIONS(new String[] {"TRANSACTION ID", "STATE", "SINCE", "AGE", "PRODUCER", "PARTITIONS", "GROUPS"},
                b -> new Object[] {b.transactionalId(), b.state(), since(b), age(b), b.producerId() + "/"
                        + b.producerEpoch(), partitions(b.partitions()), groups(b)}),
        /** By prefix and XID, the way a transaction manager names a branch ({@code xa list}). */
        XA(new String[] {"PREFIX", "XID", "STATE", "SINCE", "AGE", "PARTITIONS", "GROUPS"},
                b -> new Object[] {prefix(b), XaBranchId.text(b.xid()), b.state(), since(b), age(b),
                        partitions(b.partitions()), groups(b)});

        private final String[] headers;
        private final Function<XaBranch, Object[]> row;

        View(String[] headers, Function<XaBranch, Object[]> row) {
            this.headers = headers;
            this.row = row;
        }
    }

    private XaBranchReport() {
    }

    /** A listing: the table (or {@code none} when empty) followed by {@code notes}, and a JSON array. */
    static Report list(List<XaBranch> branches, View view, String none, String... notes) {
        Table table = new Table(view.headers);
        List<Object> json = new ArrayList<>();
        for (XaBranch b : branches) {
            table.row(view.row.apply(b));
            json.add(json(b));
        }
        StringBuilder text = new StringBuilder(branches.isEmpty() ? none + System.lineSeparator() : table.render());
        for (String note : notes) {
            text.append(note).append(System.lineSeparator());
        }
        return new Report(text.toString(), json);
    }

    /** One branch in detail: a line per field, and a JSON object. */
    static Report describe(XaBranch b) {
        Table fields = new Table("FIELD", "VALUE");
        fields.row("transaction id", b.transactionalId());
        fields.row("type", "XA branch");
        fields.row("prefix", prefix(b));
        fields.row("xid", XaBranchId.text(b.xid()));
        fields.row("format id", b.xid().formatId());
        fields.row("state", b.state());
        fields.row("state since", since(b) + " (" + age(b) + " ago)");
        fields.row("producer id", b.producerId());
        fields.row("producer epoch", b.producerEpoch());
        fields.row("partitions", partitions(b.partitions()));
        fields.row("groups", groups(b));
        return new Report(fields.render(), json(b));
    }

    /** The JSON object of one branch. */
    static Map<String, Object> json(XaBranch b) {
        HexFormat hex = HexFormat.of();
        Xid x = b.xid();
        Map<String, Object> xid = new LinkedHashMap<>();
        xid.put("formatId", x.formatId());
        xid.put("globalTransactionId", hex.formatHex(x.globalTransactionId()));
        xid.put("branchQualifier", hex.formatHex(x.branchQualifier()));
        xid.put("text", XaBranchId.text(x));
        List<Object> partitions = new ArrayList<>();
        b.partitions().asMap().forEach((topic, ps) -> ps.forEach(p -> {
            Map<String, Object> tp = new LinkedHashMap<>();
            tp.put("topic", topic);
            tp.put("partition", p);
            partitions.add(tp);
        }));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transactionId", b.transactionalId());
        m.put("prefix", prefix(b));
        m.put("xid", xid);
        m.put("state", b.state());
        m.put("stateSinceMs", b.stateSinceMs());
        m.put("stateSince", Instant.ofEpochMilli(b.stateSinceMs()).toString());
        m.put("ageMs", Math.max(0, System.currentTimeMillis() - b.stateSinceMs()));
        m.put("producerId", b.producerId());
        m.put("producerEpoch", b.producerEpoch());
        m.put("partitions", partitions);
        m.put("groups", new ArrayList<Object>(b.groupIds()));
        return m;
    }

    /** The prefix of the branch's XA transaction id (what precedes {@code :xa:} and the XID). */
    private static String prefix(XaBranch b) {
        String suffix = ":xa:" + XaBranchId.text(b.xid());
        String id = b.transactionalId();
        return id.endsWith(suffix) ? id.substring(0, id.length() - suffix.length()) : null;
    }

    private static String since(XaBranch b) {
        return Instant.ofEpochMilli(b.stateSinceMs()).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String age(XaBranch b) {
        return age(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - b.stateSinceMs())));
    }

    /** A short age: {@code 42s}, {@code 5m12s}, {@code 3h04m}, {@code 2d05h}. */
    static String age(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return "%dm%02ds".formatted(s / 60, s % 60);
        }
        if (s < 86_400) {
            return "%dh%02dm".formatted(s / 3600, s % 3600 / 60);
        }
        return "%dd%02dh".formatted(s / 86_400, s % 86_400 / 3600);
    }

    /** {@code topic-p,topic-q,...}, or null (printed {@code -}) for none. */
    private static String partitions(TopicPartitions<Integer> partitions) {
        List<String> out = new ArrayList<>();
        partitions.asMap().forEach((topic, ps) -> ps.forEach(p -> out.add(topic + "-" + p)));
        return out.isEmpty() ? null : String.join(",", out);
    }

    private static String groups(XaBranch b) {
        return b.groupIds().isEmpty() ? null : String.join(",", b.groupIds());
    }
}
