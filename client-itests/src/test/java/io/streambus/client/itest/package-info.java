/**
 * Client integration tests against the embedded broker over real sockets: round trips, failover, restarts,
 * timeouts, security, core-only brokers and exactly-once. Test code only.
 */
package io.streambus.client.itest;
