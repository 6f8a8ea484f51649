package io.streambus.protocol.group;

import io.streambus.common.TopicPartition;

import java.util.Comparator;

/**
 * Ascending unsigned byte order of the UTF-8 encoding, the order the spec prescribes for topics (B.2), member ids
 * (B.6.3) and group ids (B.6.13). Java's {@link String#compareTo} compares UTF-16 units, which differs from UTF-8 byte
 * order for characters above U+FFFF; comparing code points gives exactly UTF-8 byte order for well-formed strings,
 * without encoding them.
 *
 * <p>Static helpers only; thread-safe.
 */
public final class Utf8Order {

    /** Strings in ascending unsigned UTF-8 byte order. */
    public static final Comparator<String> STRINGS = Utf8Order::compare;

    /** Topic in {@link #STRINGS} order, then partition ascending. */
    public static final Comparator<TopicPartition> TOPIC_PARTITIONS = (a, b) -> {
        int c = compare(a.topic(), b.topic());
        return c != 0 ? c : Integer.compare(a.partition(), b.partition());
    };

    private Utf8Order() {
    }

    /** Compares two strings by the unsigned bytes of their UTF-8 encodings. */
    public static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        // The shorter one is a prefix of the longer one.
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
