/**
 * The {@code streambus} command-line tool for operators: topics, consumer groups, console producer and consumer,
 * health and capabilities, built with picocli on the client's admin, producer and consumer APIs. Entry point
 * {@link io.streambus.cli.StreamBusCli}; the other types are its commands and helpers, public only so that picocli
 * can instantiate them. Not an API for applications.
 */
package io.streambus.cli;
