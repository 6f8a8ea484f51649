/**
 * Throughput comparisons of camel-streambus routes (consumer modes, transacted pipelines), each reported as a ratio
 * to a baseline route measured in the same run. A command-line tool, not a library.
 */
package io.streambus.benchmarks.camel;
