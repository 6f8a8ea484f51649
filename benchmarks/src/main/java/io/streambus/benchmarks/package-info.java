/**
 * Entry point of the {@code streambus-perf} load tool ({@link io.streambus.benchmarks.PerfTool}). Benchmarks report
 * ratios against a baseline measured in the same run; nothing here is part of the build's tests or used by other
 * modules.
 */
package io.streambus.benchmarks;
