/** JMH benchmarks of the client's API paths against a real broker (in a child process). */
package io.streambus.benchmarks.client;
