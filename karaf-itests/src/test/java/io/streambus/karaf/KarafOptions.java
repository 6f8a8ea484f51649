package io.streambus.karaf;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;

/**
 * The Karaf set-up both Karaf tests share: Karaf 4.4 offline, this build's features repository, the embedded broker
 * of the driver JVM. Runs in the driver JVM only (the broker classes are not in Karaf). Stateless; thread-safe.
 */
final class KarafOptions {
    private static final String CFG = "etc/org.ops4j.pax.url.mvn.cfg";
    private static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");

    private KarafOptions() {
    }

    /** Karaf with the {@code streambus-transport} and {@code streambus-jms} features and the broker's address. */
    static List<Option> transportAndJms() throws Exception {
        String brokers = DriverBroker.start();
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .type("tar.gz").version(System.getProperty("karaf.version"));
        String reactor = new File(System.getProperty("streambus.reactorRepo")).toURI().toString();
        String local = localRepository();
        return new ArrayList<>(List.of(
                karafDistributionConfiguration().frameworkUrl(karaf).name("Apache Karaf")
                        .karafVersion(System.getProperty("karaf.version"))
                        .unpackDirectory(new File(System.getProperty("streambus.karafDir"))).useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                // Offline: Karaf's own system folder, this build's jars, then the local repository; nothing remote.
                editConfigurationFilePut(CFG, "org.ops4j.pax.url.mvn.localRepository", local),
                editConfigurationFilePut(CFG, "org.ops4j.pax.url.mvn.defaultRepositories",
                        "${karaf.home.uri}system@id=system.repository@snapshots," + reactor
                                + "@id=reactor@snapshots," + new File(local).toURI() + "@id=local@snapshots"),
                editConfigurationFilePut(CFG, "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut(CFG, "org.ops4j.pax.url.mvn.offline", "true"),
                streambusFeatures("streambus-transport", "streambus-jms"),
                systemProperty("streambus.brokers").value(brokers)));
    }

    /** The above plus camel-karaf's {@code camel-core} and this build's {@code camel-streambus} feature. */
    static List<Option> withCamel() throws Exception {
        List<Option> options = transportAndJms();
        options.add(features(maven().groupId("org.apache.camel.karaf").artifactId("apache-camel")
                .version(camelKarafVersion()).type("xml").classifier("features"), "camel-core"));
        options.add(streambusFeatures("camel-streambus"));
        return options;
    }

    /** The camel-karaf release the Camel part installs (the Camel baseline unless overridden). */
    static String camelKarafVersion() {
        return System.getProperty("streambus.camelKarafVersion");
    }

    /** Where camel-karaf's features file would be in the local repository, which Karaf reads offline. */
    static File camelKarafFeatures() {
        String v = camelKarafVersion();
        return new File(localRepository(), "org/apache/camel/karaf/apache-camel/" + v + "/apache-camel-" + v
                + "-features.xml");
    }

    private static String localRepository() {
        return System.getProperty("streambus.localRepo");
    }

    private static Option streambusFeatures(String... names) {
        return features(maven().groupId("io.streambus").artifactId("camel-streambus").version(VERSION).type("xml")
                .classifier("features"), names);
    }
}
