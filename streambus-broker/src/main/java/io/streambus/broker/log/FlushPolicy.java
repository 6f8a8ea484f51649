package io.streambus.broker.log;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * When appended data is forced to disk ({@code FileChannel.force}). Immutable.
 *
 * <ul>
 *   <li>{@link #EVERY_WRITE}: before {@code append} returns, so an acknowledged message survives a crash of the
 *       process and of the machine. Readers only ever see data that is on disk.</li>
 *   <li>{@link #interval(Duration)}: a background task forces every partition written to since its last run; a
 *       machine crash can lose up to one interval (a process crash loses nothing: the data is in the page
 *       cache).</li>
 *   <li>{@link #OS}: never forced except when a segment is rolled and at close; the kernel writes back when it
 *       likes.</li>
 * </ul>
 *
 * <p><b>One policy for every broker log.</b> The data segments, the committed offsets and stored group state
 * ({@code group.OffsetStore}), the share-group state ({@code share.ShareStateStore}) and the exactly-once journals
 * ({@code txn.RecordFile}) all follow the same policy: with {@code os} none of them forces on the request path; with
 * {@code every-write} each forces before the reply, and concurrent requests share forces ({@link GroupCommit}: one
 * force covers every write appended before it started). Transaction decisions, markers and outcomes follow it too:
 * B.7.8.6 asks them to be "as durable as acknowledged messages", in order, which the page cache gives under
 * {@code os} against a SIGKILL. The only writes forced before a reply whatever the policy are PrepareTxn's (B.7.8.3:
 * a broker that answers Produce before syncing MUST sync the branch's batches then, and the prepared record goes
 * with them) and new producer ids and epochs (B.12.2; handed out again after a power loss they would break
 * fencing), both once per XA branch or producer session. Every force is counted by {@link Fsyncs}.
 */
public final class FlushPolicy {
    /** The kinds of policy. */
    public enum Kind { EVERY_WRITE, INTERVAL, OS }

    /** Force before every append returns. */
    public static final FlushPolicy EVERY_WRITE = new FlushPolicy(Kind.EVERY_WRITE, null);
    /** Leave write-back to the operating system. */
    public static final FlushPolicy OS = new FlushPolicy(Kind.OS, null);

    private final Kind kind;
    private final Duration interval;

    private FlushPolicy(Kind kind, Duration interval) {
        this.kind = kind;
        this.interval = interval;
    }

    /** Force dirty partitions every {@code interval} (at least 1 ms). */
    public static FlushPolicy interval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 1) {
            throw new IllegalArgumentException("flush interval must be at least 1 ms, was " + interval);
        }
        return new FlushPolicy(Kind.INTERVAL, interval);
    }

    /**
     * Parses {@code every-write}, {@code os}, or an interval such as {@code 1000ms}, {@code 1s} or {@code 1000}
     * (milliseconds), for command lines and property files.
     *
     * @throws IllegalArgumentException naming the text when it is none of these
     */
    public static FlushPolicy parse(String text) {
        String t = Objects.requireNonNull(text, "text").trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "every-write":
            case "every_write":
            case "always":
                return EVERY_WRITE;
            case "os":
            case "never":
                return OS;
            default:
                break;
        }
        try {
            if (t.endsWith("ms")) {
                return interval(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim())));
            }
            if (t.endsWith("s")) {
                return interval(Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim())));
            }
            return interval(Duration.ofMillis(Long.parseLong(t)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "flush policy must be every-write, os, or an interval like 1000ms or 1s, was '" + text + "'");
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The interval of an {@link Kind#INTERVAL} policy, otherwise null. */
    public Duration interval() {
        return interval;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlushPolicy p && p.kind == kind && Objects.equals(p.interval, interval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, interval);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case EVERY_WRITE -> "every-write";
            case OS -> "os";
            case INTERVAL -> interval.toMillis() + "ms";
        };
    }
}
