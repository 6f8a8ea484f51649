/**
 * Fault injection for the client integration tests: {@link io.streambus.client.itest.fault.FaultProxy}, a TCP proxy
 * that loses replies and resets connections. Test code only; any test of this module (and later chaos or hardening
 * suites) may use it.
 */
package io.streambus.client.itest.fault;
