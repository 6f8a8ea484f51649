package io.streambus.protocol.group;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Loads the spec vectors copied into the test resources ({@code vectors/*.hex}, hex text in lines). */
public final class GroupVectors {

    private GroupVectors() {
    }

    /** The bytes of {@code vectors/<name>}. */
    public static byte[] load(String name) {
        try (InputStream in = GroupVectors.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource vectors/" + name);
            }
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code length} bytes of {@code vectors/<name>} from {@code offset}. */
    public static byte[] slice(String name, int offset, int length) {
        byte[] all = load(name);
        byte[] out = new byte[length];
        System.arraycopy(all, offset, out, 0, length);
        return out;
    }
}
