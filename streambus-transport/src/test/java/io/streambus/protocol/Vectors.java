package io.streambus.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the spec's golden frames from the classpath ({@code /vectors/<name>.hex}, copied from
 * {@code shared/spec/vectors}). Part of the test-jar, for every module's tests.
 */
public final class Vectors {
    private static final Pattern INDEX_ROW = Pattern.compile("^\\| `([a-z0-9-]+)\\.hex` \\|", Pattern.MULTILINE);

    private Vectors() {
    }

    /** The bytes of a vector; {@code name} with or without ".hex". */
    public static byte[] bytes(String name) {
        String file = name.endsWith(".hex") ? name : name + ".hex";
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector /vectors/" + file + " on the classpath");
            }
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
            return HexFormat.of().parseHex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole frame (length field and CRC included) in a new unpooled heap buffer. */
    public static ByteBuf buffer(String name) {
        return Unpooled.wrappedBuffer(bytes(name));
    }

    /**
     * The frame as {@link FrameDecoder} emits it: header and payload, without the length field and the CRC, in a
     * new unpooled heap buffer.
     */
    public static ByteBuf frame(String name) {
        byte[] b = bytes(name);
        return Unpooled.wrappedBuffer(b, Frames.LENGTH_FIELD_SIZE, b.length - Frames.LENGTH_FIELD_SIZE - Frames.CRC_SIZE);
    }

    /** Every vector named in the index of {@code vectors/README.md}, without ".hex". */
    public static List<String> names() {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/README.md")) {
            if (in == null) {
                throw new IllegalStateException("no /vectors/README.md on the classpath");
            }
            Matcher m = INDEX_ROW.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            List<String> names = new ArrayList<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The vectors that are whole frames (all but the three {@code ext-consumer-*} structures). */
    public static List<String> frameNames() {
        return names().stream().filter(n -> !n.startsWith("ext-consumer-")).toList();
    }

    /** True for response vectors (and error responses). */
    public static boolean isResponse(String name) {
        return name.contains("-response-");
    }
}
