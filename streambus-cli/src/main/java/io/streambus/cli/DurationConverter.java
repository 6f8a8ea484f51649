package io.streambus.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a duration: a number with the unit {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms},
 * {@code 10s}, {@code 2m}), a bare number meaning milliseconds (as Kafka's {@code --timeout-ms}), or an ISO-8601
 * duration ({@code PT10S}). Thread-safe.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.startsWith("pt") || v.startsWith("p")) {
                d = Duration.parse(value.trim());
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                d = Duration.ofMillis(Long.parseLong(v));
            }
            if (d.isNegative() || d.isZero()) {
                throw new TypeConversionException("'" + value + "' must be a positive duration");
            }
            return d;
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a duration: use for example 500ms, 10s, 2m "
                    + "or a number of milliseconds");
        }
    }
}
