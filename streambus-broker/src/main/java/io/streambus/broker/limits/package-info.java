/**
 * Broker-wide resource limits ({@link io.streambus.broker.limits.BrokerLimits}), the memory budget that bounds
 * request and reply bytes held in memory ({@link io.streambus.broker.limits.MemoryBudget}), and the log hygiene for
 * remote-supplied text and per-connection warnings ({@link io.streambus.broker.limits.LogText},
 * {@link io.streambus.broker.limits.WarnLimiter}). Used by the broker's server, log and group packages only.
 */
package io.streambus.broker.limits;
