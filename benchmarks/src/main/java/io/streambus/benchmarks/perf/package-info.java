/**
 * The load tool's modes: client produce and consume runs, and the raw-socket baselines (pre-encoded frames, no
 * client) they are reported against, with HdrHistogram percentiles. Single-threaded drivers; not a library.
 */
package io.streambus.benchmarks.perf;
