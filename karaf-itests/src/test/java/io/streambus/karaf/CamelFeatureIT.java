package io.streambus.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.JUnitCore;
import org.junit.runner.Result;

/**
 * The Camel part of the Karaf test. It runs {@link KarafCamelProbe} where camel-karaf's features for the Camel
 * baseline are in the local repository (Karaf resolves offline), and is skipped with the reason elsewhere: camel-karaf
 * is released for Camel's LTS lines only, and none in camel-streambus's range is served on these machines.
 */
public class CamelFeatureIT {

    @Test
    public void camelStreambusFeatureInsideKaraf() {
        File features = KarafOptions.camelKarafFeatures();
        Assume.assumeTrue("Camel part skipped: camel-karaf " + KarafOptions.camelKarafVersion() + " is not in the local"
                + " repository (" + features + "); camel-karaf is released for LTS lines only. Run with"
                + " -Dcamel.karaf.version=<a camel-karaf release in camel-streambus's Camel range> where one resolves.",
                features.isFile());
        Result result = new JUnitCore().run(KarafCamelProbe.class);
        assertTrue("Karaf Camel run failed: " + result.getFailures(), result.wasSuccessful());
        assertEquals(1, result.getRunCount());
    }
}
