package io.streambus.cli;

import io.streambus.common.Header;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --header KEY=VALUE} (the value may contain {@code =}; it may be empty). Thread-safe. */
public final class HeaderConverter implements ITypeConverter<Header> {
    @Override
    public Header convert(String value) {
        int eq = value.indexOf('=');
        if (eq <= 0) {
            throw new TypeConversionException("'" + value + "' is not a header: use KEY=VALUE with a non-empty KEY");
        }
        return Header.of(value.substring(0, eq), value.substring(eq + 1));
    }
}
