package io.streambus.jms.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Names of the consumer groups behind JMS queues and subscriptions, and the subscription description stored as
 * offset-commit metadata (documented in MAPPING.md). Stateless, thread-safe.
 *
 * <ul>
 * <li>queue {@code Q}: {@code <prefix>.q.<Q>}</li>
 * <li>durable subscription {@code N} of client id {@code C}: {@code <prefix>.d.<C>.<N>}</li>
 * <li>shared durable subscription: {@code <prefix>.sd.<C or empty>.<N>}</li>
 * <li>shared non-durable subscription: {@code <prefix>.sn.<C or empty>.<N>}</li>
 * </ul>
 * Client ids and subscription names are escaped ({@code %} → {@code %25}, {@code .} → {@code %2E}) so that names
 * cannot collide.
 */
public final class Subscriptions {
    /** Metadata format tag, first field of every description. */
    static final String FORMAT = "jms1";
    /** Offset commit metadata is limited to 4096 bytes (spec B.6.8). */
    static final int MAX_METADATA = 4096;

    private Subscriptions() {
    }

    static String escape(String s) {
        return s.replace("%", "%25").replace(".", "%2E");
    }

    public static String queueGroup(String prefix, String topic) {
        return prefix + ".q." + topic;
    }

    /**
     * The share group of a queue ({@code <prefix>.sq.<queue>}): distinct from {@link #queueGroup}, because share and
     * consumer groups share one id space (B.13.3) and a queue may have been consumed through a consumer group before.
     */
    public static String queueShareGroup(String prefix, String topic) {
        return prefix + ".sq." + topic;
    }

    public static String durableGroup(String prefix, String clientId, String name) {
        return prefix + ".d." + escape(clientId) + "." + escape(name);
    }

    public static String sharedDurableGroup(String prefix, String clientId, String name) {
        return prefix + ".sd." + escape(clientId == null ? "" : clientId) + "." + escape(name);
    }

    public static String sharedGroup(String prefix, String clientId, String name) {
        return prefix + ".sn." + escape(clientId == null ? "" : clientId) + "." + escape(name);
    }

    /**
     * What a subscription was created with: compared when a durable subscription is opened again (a change means
     * the old one is deleted and a new one created, JMS 3.1 §8.3.3) and when a shared one is joined.
     *
     * @param topic    subscribed topic
     * @param selector selector text, or null
     * @param noLocal  noLocal flag
     */
    public record Description(String topic, String selector, boolean noLocal) {
        /** Encoded as offset-commit metadata; a selector too long for the 4096-byte limit is kept as its hash. */
        public String encode() {
            String base = FORMAT + ";topic=" + enc(topic) + ";noLocal=" + noLocal;
            if (selector == null) {
                return base;
            }
            String full = base + ";selector=" + enc(selector);
            if (full.getBytes(StandardCharsets.UTF_8).length <= MAX_METADATA) {
                return full;
            }
            return base + ";selectorSha256=" + sha256(selector);
        }

        /** Parses {@link #encode()} output; null when the metadata is not a JMS subscription description. */
        public static Description decode(String metadata) {
            if (metadata == null || !metadata.startsWith(FORMAT + ";")) {
                return null;
            }
            Map<String, String> f = new LinkedHashMap<>();
            for (String part : metadata.substring(FORMAT.length() + 1).split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    f.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
            String topic = f.get("topic");
            if (topic == null) {
                return null;
            }
            String sel = f.containsKey("selector") ? dec(f.get("selector"))
                    : f.containsKey("selectorSha256") ? "sha256:" + f.get("selectorSha256") : null;
            return new Description(dec(topic), sel, Boolean.parseBoolean(f.get("noLocal")));
        }

        /** True when {@code other} describes the same subscription (selectors compared by hash if one is hashed). */
        public boolean sameAs(Description other) {
            if (other == null || !topic.equals(other.topic) || noLocal != other.noLocal) {
                return false;
            }
            return Objects.equals(normalized(selector), normalized(other.selector));
        }

        private static String normalized(String sel) {
            if (sel == null || sel.isBlank()) {
                return null;
            }
            return sel.startsWith("sha256:") ? sel : "sha256:" + sha256(sel);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
