package io.streambus.jms.ra;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The deployment descriptor against the classes: Connectors 2.1 namespace and version, every class it names exists
 * and implements what it is declared as, every config property has a setter of the declared type, and declared
 * default values are the beans' own defaults.
 */
class RaXmlTest {
    private static final String NS = "https://jakarta.ee/xml/ns/jakartaee";
    private static Element connector;

    @BeforeAll
    static void parse() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(Path.of("src/main/rar/META-INF/ra.xml").toFile());
        connector = d.getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                assertThat(e.getNamespaceURI()).isEqualTo(NS);
                out.add(e);
            }
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        List<Element> c = children(parent, name);
        assertThat(c).as("<%s> in <%s>", name, parent.getLocalName()).hasSize(1);
        return c.get(0);
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().trim();
    }

    private static Class<?> load(String name) throws ClassNotFoundException {
        return Class.forName(name, false, RaXmlTest.class.getClassLoader());
    }

    /** Checks every {@code config-property} of {@code owner} against {@code type}; returns how many. */
    private static int checkConfigProperties(Element owner, Class<?> type) throws Exception {
        Object instance = type.getConstructor().newInstance();
        int n = 0;
        for (Element cp : children(owner, "config-property")) {
            String name = text(cp, "config-property-name");
            Class<?> declared = load(text(cp, "config-property-type"));
            String bean = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            Method setter = type.getMethod("set" + bean, declared);
            assertThat(setter).as("%s.set%s(%s)", type.getSimpleName(), bean, declared.getSimpleName()).isNotNull();
            Method getter = type.getMethod("get" + bean);
            assertThat(getter.getReturnType()).as("getter type of %s", name).isEqualTo(declared);
            List<Element> value = children(cp, "config-property-value");
            if (!value.isEmpty()) {
                assertThat(String.valueOf(getter.invoke(instance)))
                        .as("default of %s.%s", type.getSimpleName(), name)
                        .isEqualTo(value.get(0).getTextContent().trim());
            }
            n++;
        }
        return n;
    }

    @Test
    void connectorTwoOneDescriptor() {
        assertThat(connector.getLocalName()).isEqualTo("connector");
        assertThat(connector.getNamespaceURI()).isEqualTo(NS);
        assertThat(connector.getAttribute("version")).isEqualTo("2.1");
        assertThat(connector.getAttributeNS("http://www.w3.org/2001/XMLSchema-instance", "schemaLocation"))
                .contains("connector_2_1.xsd");
    }

    @Test
    void resourceAdapterClassAndProperties() throws Exception {
        Element ra = child(connector, "resourceadapter");
        Class<?> c = load(text(ra, "resourceadapter-class"));
        assertThat(ResourceAdapter.class).isAssignableFrom(c);
        assertThat(java.io.Serializable.class).isAssignableFrom(c);
        assertThat(checkConfigProperties(ra, c)).isEqualTo(7);
    }

    @Test
    void outboundConnectionDefinitions() throws Exception {
        Element out = child(child(connector, "resourceadapter"), "outbound-resourceadapter");
        assertThat(text(out, "transaction-support")).isEqualTo("XATransaction");
        List<String> interfaces = new ArrayList<>();
        for (Element cd : children(out, "connection-definition")) {
            Class<?> mcf = load(text(cd, "managedconnectionfactory-class"));
            assertThat(ManagedConnectionFactory.class).isAssignableFrom(mcf);
            assertThat(checkConfigProperties(cd, mcf)).isEqualTo(6);
            Class<?> cfi = load(text(cd, "connectionfactory-interface"));
            assertThat(cfi).isAssignableFrom(load(text(cd, "connectionfactory-impl-class")));
            assertThat(load(text(cd, "connection-interface")))
                    .isAssignableFrom(load(text(cd, "connection-impl-class")));
            interfaces.add(cfi.getName());
        }
        assertThat(interfaces).containsExactly("jakarta.jms.ConnectionFactory", "jakarta.jms.QueueConnectionFactory",
                "jakarta.jms.TopicConnectionFactory");
    }

    @Test
    void inboundMessageListenerAndActivationSpec() throws Exception {
        Element listener = child(child(child(child(connector, "resourceadapter"), "inbound-resourceadapter"),
                "messageadapter"), "messagelistener");
        assertThat(text(listener, "messagelistener-type")).isEqualTo("jakarta.jms.MessageListener");
        Element spec = child(listener, "activationspec");
        Class<?> c = load(text(spec, "activationspec-class"));
        assertThat(ActivationSpec.class).isAssignableFrom(c);
        for (Element required : children(spec, "required-config-property")) {
            String name = text(required, "config-property-name");
            assertThat(c.getMethod("get" + Character.toUpperCase(name.charAt(0)) + name.substring(1))).isNotNull();
        }
        assertThat(checkConfigProperties(spec, c)).isEqualTo(20);
    }

    @Test
    void adminObjects() throws Exception {
        List<String> classes = new ArrayList<>();
        for (Element ao : children(child(connector, "resourceadapter"), "adminobject")) {
            Class<?> iface = load(text(ao, "adminobject-interface"));
            Class<?> impl = load(text(ao, "adminobject-class"));
            assertThat(iface).isAssignableFrom(impl);
            assertThat(checkConfigProperties(ao, impl)).isEqualTo(1);
            classes.add(impl.getName());
        }
        assertThat(classes).containsExactly(StreamBusRaQueue.class.getName(), StreamBusRaTopic.class.getName());
    }
}
