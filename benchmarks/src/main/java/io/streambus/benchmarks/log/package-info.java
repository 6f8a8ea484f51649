/** JMH benchmarks of the embedded broker's partition log (append and read), run by hand, never by the tests. */
package io.streambus.benchmarks.log;
