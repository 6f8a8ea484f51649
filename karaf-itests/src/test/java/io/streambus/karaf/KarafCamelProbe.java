package io.streambus.karaf;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Karaf with camel-karaf and the {@code camel-streambus} feature: a {@code streambus:} producer and consumer inside
 * Karaf. Not run by Failsafe directly (its name does not end in IT): {@link CamelFeatureIT} runs it only where
 * camel-karaf resolves, because a Karaf that cannot install its features fails before any test method.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafCamelProbe {

    /** Runs in the driver JVM only. */
    @Configuration
    public Option[] config() throws Exception {
        return KarafOptions.withCamel().toArray(new Option[0]);
    }

    @Test
    public void camelRoundTripInsideKaraf() throws Exception {
        assertEquals("hello camel", CamelRoundTrip.sendAndReceive(System.getProperty("streambus.brokers")));
    }
}
