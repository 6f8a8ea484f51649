package io.streambus.cli;

/**
 * The result of a read command in its two forms: {@code text} for {@link OutputFormat#TABLE} (complete lines) and
 * {@code json} for {@link OutputFormat#JSON} (a value {@link Json} can write). Immutable if {@code json} is.
 *
 * @param text the table and any notes, each line ending with a line separator
 * @param json maps, lists, strings, numbers, booleans and nulls
 */
public record Report(String text, Object json) {
}
