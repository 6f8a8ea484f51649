package io.streambus.cli;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses an ISO-8601 date-time for {@code --to-datetime}: with an offset or {@code Z}
 * ({@code 2026-05-01T10:00:00Z}, {@code 2026-05-01T12:00:00.500+02:00}) or without one, then in the local time zone
 * ({@code 2026-05-01T10:00:00}), as {@code kafka-consumer-groups} accepts. Thread-safe.
 */
public final class DateTimeConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException withOffset) {
            try {
                return LocalDateTime.parse(value).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException local) {
                throw new TypeConversionException("'" + value + "' is not an ISO-8601 date-time: use for example "
                        + "2026-05-01T10:00:00Z, 2026-05-01T12:00:00+02:00 or 2026-05-01T10:00:00 (local time)");
            }
        }
    }
}
