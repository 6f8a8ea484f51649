package io.streambus.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Topic;
import java.io.File;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Boots Karaf, installs the {@code streambus-transport} and {@code streambus-jms} features from this build's features
 * repository, and sends and receives a JMS message through the embedded broker that {@link #config()} starts in the
 * driver JVM. The test method runs inside Karaf (Pax Exam's probe bundle); {@code camel-streambus} is not installed
 * because no camel-karaf release for its Camel baseline is served (see the README).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KarafFeaturesIT {
    private static final String CFG = "etc/org.ops4j.pax.url.mvn.cfg";

    /** Runs in the driver JVM only: the broker classes are not in Karaf. */
    @Configuration
    public Option[] config() throws Exception {
        String brokers = DriverBroker.start();
        String version = System.getProperty("project.version", "0.1.0-SNAPSHOT");
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .type("tar.gz").version(System.getProperty("karaf.version"));
        String reactor = new File(System.getProperty("streambus.reactorRepo")).toURI().toString();
        String local = System.getProperty("streambus.localRepo");
        return options(
                karafDistributionConfiguration().frameworkUrl(karaf).name("Apache Karaf")
                        .karafVersion(System.getProperty("karaf.version"))
                        .unpackDirectory(new File(System.getProperty("streambus.karafDir"))).useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                // Offline: this build's jars first, then the local repository; no remote repository at all.
                editConfigurationFilePut(CFG, "org.ops4j.pax.url.mvn.localRepository", local),
                editConfigurationFilePut(CFG, "org.ops4j.pax.url.mvn.defaultRepositories",
                        reactor + "@id=reactor@snapshots," + new File(local).toURI() + "@id=local@snapshots"),
                editConfigurationFilePut(CFG, "org.ops4j.pax.url.mvn.repositories", ""),
                editConfigurationFilePut(CFG, "org.ops4j.pax.url.mvn.offline", "true"),
                features(maven().groupId("io.streambus").artifactId("camel-streambus").version(version)
                        .type("xml").classifier("features"), "streambus-transport", "streambus-jms"),
                systemProperty("streambus.brokers").value(brokers));
    }

    @Test
    public void jmsRoundTripInsideKaraf() {
        String url = "streambus://" + System.getProperty("streambus.brokers") + "?fetch.backoff.ms=5&pollInterval=20";
        try (JMSContext ctx = new io.streambus.jms.StreamBusConnectionFactory(url).createContext()) {
            Topic topic = ctx.createTopic("karaf-it");
            JMSConsumer consumer = ctx.createConsumer(topic);
            ctx.createProducer().send(topic, "hello from karaf");
            String body = consumer.receiveBody(String.class, 20_000);
            assertNotNull("no message within 20 s", body);
            assertEquals("hello from karaf", body);
        }
    }
}
