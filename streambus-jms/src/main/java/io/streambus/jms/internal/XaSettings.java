package io.streambus.jms.internal;

import java.nio.charset.StandardCharsets;

/**
 * The XA settings of an XA connection factory. Immutable, thread-safe.
 *
 * @param prefix         the resource manager's transaction id prefix (spec B.7.8.1): 1 to 255 bytes of UTF-8, the
 *                       same in every factory meant to recover the others' branches
 * @param retryTimeoutMs how long decisions by Xid, InitXaBranch and PrepareTxn are retried on a transport failure
 *                       before the resource gives up with XAER_RMFAIL (B.7.8.8 item 12)
 */
public record XaSettings(String prefix, long retryTimeoutMs) {
    /** The default prefix. */
    public static final String DEFAULT_PREFIX = "jms";
    /** The default retry time (the RECOMMENDED 30 s of B.7.8.8 item 12). */
    public static final long DEFAULT_RETRY_TIMEOUT_MS = 30_000;

    public XaSettings {
        int bytes = prefix == null ? 0 : prefix.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > 255) {
            throw new IllegalArgumentException("the XA prefix must be 1 to 255 bytes of UTF-8, got '" + prefix + "'");
        }
        if (retryTimeoutMs < 0) {
            throw new IllegalArgumentException("the XA retry timeout must not be negative: " + retryTimeoutMs);
        }
    }
}
