package io.streambus.security.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Reads the {@code auth bytes} / first string field out of the SASL golden frames in {@code /vectors/} without the
 * codec, so that the security classes are checked against the vectors independently. Frame layout (spec A.3): u32
 * length, u64 request id, then for a request u8 type, u8 version, u16 flags (payload at byte 16), for a response u8
 * status, u16 error code (payload at byte 15); the payload ends with a u32 CRC32 of bytes 4..end-4.
 */
public final class SaslVectors {
    private SaslVectors() {
    }

    /** The raw frame bytes of a vector file (hex, whitespace ignored). */
    public static byte[] frame(String file) {
        try (InputStream in = SaslVectors.class.getResourceAsStream("/vectors/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector /vectors/" + file + " on the class path");
            }
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first {@code bytes}/{@code string} field of the payload of a request vector, after checking length and CRC. */
    public static byte[] requestAuthBytes(String file) {
        return firstField(file, 16);
    }

    /** The first {@code bytes}/{@code string} field of the payload of a response vector, after checking length and CRC. */
    public static byte[] responseAuthBytes(String file) {
        return firstField(file, 15);
    }

    private static byte[] firstField(String file, int payloadOffset) {
        byte[] frame = frame(file);
        ByteBuffer buf = ByteBuffer.wrap(frame);
        int length = buf.getInt(0);
        if (length != frame.length - 4) {
            throw new IllegalStateException(file + ": length field " + length + " != " + (frame.length - 4));
        }
        CRC32 crc = new CRC32();
        crc.update(frame, 4, frame.length - 8);
        if ((int) crc.getValue() != buf.getInt(frame.length - 4)) {
            throw new IllegalStateException(file + ": CRC mismatch");
        }
        int n = buf.getInt(payloadOffset);
        byte[] out = new byte[n];
        System.arraycopy(frame, payloadOffset + 4, out, 0, n);
        return out;
    }
}
