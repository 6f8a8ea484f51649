package io.streambus.broker.share;

import io.netty.buffer.ByteBuf;
import io.streambus.protocol.message.MessageCursor;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.selector.filter.BooleanExpression;
import org.apache.activemq.artemis.selector.filter.FilterException;
import org.apache.activemq.artemis.selector.filter.Filterable;
import org.apache.activemq.artemis.selector.impl.SelectorParser;

/**
 * A ShareFetch record filter (spec B.13.9): a JMS message selector evaluated by artemis-selector in its
 * {@code convert_string_expressions:} mode over {@code $key}, {@code $timestamp} and the record's headers (every
 * header value is a string). An evaluation error means no match. Immutable and thread-safe.
 */
public final class RecordFilter {
    /** Longest filter in UTF-8 bytes (B.13.9); longer ones get 51. */
    public static final int MAX_BYTES = 65_536;
    /** Matches every record. */
    public static final RecordFilter NONE = new RecordFilter("", null);

    private final String text;
    private final BooleanExpression expression;

    private RecordFilter(String text, BooleanExpression expression) {
        this.text = text;
        this.expression = expression;
    }

    /**
     * Parses {@code text}; empty gives {@link #NONE}.
     *
     * @throws InvalidFilterException when it is too long or does not parse; the message is the parser's
     */
    public static RecordFilter parse(String text) {
        if (text == null || text.isEmpty()) {
            return NONE;
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new InvalidFilterException("the filter is " + bytes + " bytes long; at most " + MAX_BYTES
                    + " are allowed");
        }
        try {
            return new RecordFilter(text, SelectorParser.parse("convert_string_expressions:" + text));
        } catch (FilterException | RuntimeException | StackOverflowError e) {
            throw new InvalidFilterException("invalid filter: " + e.getMessage());
        }
    }

    /** True when this filter matches every record. */
    public boolean matchesAll() {
        return expression == null;
    }

    /** The filter text. */
    public String text() {
        return text;
    }

    /** True when the selector is TRUE for the cursor's current message; FALSE, UNKNOWN and errors do not match. */
    public boolean matches(MessageCursor record) {
        if (expression == null) {
            return true;
        }
        try {
            return expression.matches(new View(record));
        } catch (FilterException | RuntimeException | StackOverflowError e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return text;
    }

    /** A filter that does not parse or is too long (code 51). */
    public static final class InvalidFilterException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidFilterException(String message) {
            super(message);
        }
    }

    /** The record as the selector library sees it. */
    private record View(MessageCursor m) implements Filterable {
        @Override
        public <T> T getBodyAs(Class<T> type) {
            return null;
        }

        @Override
        public Object getProperty(SimpleString name) {
            String n = name.toString();
            if (n.equals("$key")) {
                return m.keyLength() == 0 ? null : utf8(m.buffer(), m.keyIndex(), m.keyLength());
            }
            if (n.equals("$timestamp")) {
                return m.timestampNanos();
            }
            byte[] wanted = n.getBytes(StandardCharsets.UTF_8);
            ByteBuf buf = m.buffer();
            int p = m.headersIndex();
            for (int h = 0; h < m.headerCount(); h++) {
                int kl = buf.getInt(p);
                int vl = buf.getInt(p + 4 + kl);
                if (kl == wanted.length && sameBytes(buf, p + 4, wanted)) {
                    return utf8(buf, p + 8 + kl, vl);
                }
                p += 8 + kl + vl;
            }
            return null;
        }

        @Override
        public Object getLocalConnectionId() {
            return null;
        }

        private static boolean sameBytes(ByteBuf buf, int at, byte[] wanted) {
            for (int i = 0; i < wanted.length; i++) {
                if (buf.getByte(at + i) != wanted[i]) {
                    return false;
                }
            }
            return true;
        }

        /** Strict UTF-8 decoding: null when the bytes are not valid UTF-8 (B.13.9). */
        private static String utf8(ByteBuf buf, int at, int len) {
            byte[] b = new byte[len];
            buf.getBytes(at, b);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                return null;
            }
        }
    }
}
