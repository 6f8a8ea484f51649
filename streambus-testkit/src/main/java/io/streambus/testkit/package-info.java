/**
 * Fault injection for tests: {@link io.streambus.testkit.FaultProxy}, a TCP proxy on the loopback interface that
 * adds latency, jitter and bandwidth limits, drops replies, resets, black-holes or half-opens connections on demand.
 * Any module may use it as a test-scoped dependency; production code must not.
 */
package io.streambus.testkit;
