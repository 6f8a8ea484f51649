package io.streambus.protocol.message;

/** A message was given the same header key twice; encoders refuse that (spec A.5). Nothing was written. */
public final class DuplicateHeaderException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DuplicateHeaderException(String key) {
        super("duplicate header key '" + key + "'");
    }
}
