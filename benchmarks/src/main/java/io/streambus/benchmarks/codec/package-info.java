/** JMH benchmarks of the wire codec (encode and decode of Produce requests), run by hand, never by the tests. */
package io.streambus.benchmarks.codec;
