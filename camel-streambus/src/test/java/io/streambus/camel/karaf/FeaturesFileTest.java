package io.streambus.camel.karaf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The fast check of the Karaf features repository (the Karaf boot test is the {@code karaf} profile): the filtered
 * file is well-formed, names no external features repository, asks for the Camel baseline range, and every bundle
 * it lists is either a module of this build or already in the local Maven repository.
 */
class FeaturesFileTest {
    private static final String NS = "http://karaf.apache.org/xmlns/features/v1.6.0";
    private static final Pattern MVN = Pattern.compile("mvn:([^/]+)/([^/]+)/([^/$]+)(?:/([^/$]+))?(?:/([^/$]+))?");

    private static Document doc;
    private static String text;

    @BeforeAll
    static void parse() throws Exception {
        Path file = Paths.get(System.getProperty("streambus.features", "target/feature/features.xml"));
        text = Files.readString(file);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        doc = f.newDocumentBuilder().parse(file.toFile());
    }

    @Test
    void isFilteredAndNamesTheExpectedFeatures() {
        assertThat(text).doesNotContain("${");
        Element root = doc.getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo(NS);
        assertThat(root.getLocalName()).isEqualTo("features");
        List<String> names = new ArrayList<>();
        NodeList features = doc.getElementsByTagNameNS(NS, "feature");
        for (int i = 0; i < features.getLength(); i++) {
            Element e = (Element) features.item(i);
            if (e.getParentNode() == root) {
                names.add(e.getAttribute("name"));
            }
        }
        assertThat(names).containsExactlyInAnyOrder("streambus-transport", "streambus-jms", "camel-streambus");
    }

    @Test
    void pinsNoRepositoryAndAsksForTheCamelBaseline() {
        assertThat(doc.getElementsByTagNameNS(NS, "repository").getLength())
                .as("camel-karaf is not released for every Camel line; the installation picks its repository")
                .isZero();
        String baseline = System.getProperty("camel.baseline.version", "4.18.0");
        String majorMinor = baseline.substring(0, baseline.indexOf('.', baseline.indexOf('.') + 1));
        NodeList deps = doc.getElementsByTagNameNS(NS, "feature");
        boolean found = false;
        for (int i = 0; i < deps.getLength(); i++) {
            Element e = (Element) deps.item(i);
            if ("camel-core".equals(e.getTextContent().trim())) {
                assertThat(e.getAttribute("version")).isEqualTo("[" + majorMinor + ",5)");
                found = true;
            }
        }
        assertThat(found).isTrue();
    }

    @Test
    void everyBundleResolvesInTheReactorOrTheLocalRepository() throws Exception {
        Path repo = Paths.get(System.getProperty("maven.repo.local",
                System.getProperty("user.home") + "/.m2/repository"));
        Set<String> modules = reactorArtifactIds();
        NodeList bundles = doc.getElementsByTagNameNS(NS, "bundle");
        assertThat(bundles.getLength()).isGreaterThan(10);
        for (int i = 0; i < bundles.getLength(); i++) {
            String url = bundles.item(i).getTextContent().trim();
            Matcher m = MVN.matcher(url);
            assertThat(m.find()).as(url).isTrue();
            String group = m.group(1);
            String artifact = m.group(2);
            String version = m.group(3);
            if (group.equals("io.streambus")) {
                assertThat(modules).as("reactor module for " + url).contains(artifact);
                continue;
            }
            String type = m.group(4) == null ? "jar" : m.group(4);
            String classifier = m.group(5) == null ? "" : "-" + m.group(5);
            Path jar = repo.resolve(group.replace('.', '/')).resolve(artifact).resolve(version)
                    .resolve(artifact + "-" + version + classifier + "." + type);
            assertThat(jar).as(url).exists();
        }
    }

    /** The artifactIds of the modules next to this one (the build's reactor). */
    private static Set<String> reactorArtifactIds() throws Exception {
        Pattern artifactId = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");
        try (Stream<Path> dirs = Files.list(Paths.get("..").toAbsolutePath().normalize())) {
            return dirs.map(d -> d.resolve("pom.xml")).filter(Files::exists).map(p -> {
                try {
                    Matcher m = artifactId.matcher(Files.readString(p));
                    return m.find() ? m.group(1) : "";
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).collect(Collectors.toSet());
        }
    }
}
