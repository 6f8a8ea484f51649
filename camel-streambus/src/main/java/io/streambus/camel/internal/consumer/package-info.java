/**
 * The consumer threads of the Camel component: {@link io.streambus.camel.internal.consumer.ConsumerTask} runs the
 * poll loop, {@link io.streambus.camel.internal.consumer.CommitManager} (auto, manual, none) commits to a
 * {@link io.streambus.camel.internal.consumer.CommitTarget}, and a
 * {@link io.streambus.camel.internal.consumer.PollErrorStrategy} per {@code pollOnError} value handles failed polls.
 * Not API: only {@code StreamBusConsumer} uses it, and it may change in any release.
 */
package io.streambus.camel.internal.consumer;
