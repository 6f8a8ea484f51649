package io.streambus.jms.ra;

import jakarta.jms.Topic;
import jakarta.resource.Referenceable;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import java.io.Serializable;
import javax.naming.Reference;

/**
 * The administered {@link Topic} of the resource adapter ({@code adminobject-class} for {@code jakarta.jms.Topic}): a
 * JavaBean whose {@code Name} property is the StreamBus topic. Sessions of the StreamBus provider accept it as their
 * own destination (by its name), so it works with the adapter's connection factories and as an activation's
 * {@code destinationLookup}. Configure it before use; afterwards it is read-only in practice and thread-safe.
 */
public class StreamBusRaTopic implements Topic, Serializable, Referenceable, ResourceAdapterAssociation {
    private static final long serialVersionUID = 1L;

    private String name;
    private transient ResourceAdapter resourceAdapter;
    private Reference reference;

    /** A Topic without a name; the server sets {@code Name}. */
    public StreamBusRaTopic() {
    }

    /** A Topic named {@code name}. */
    public StreamBusRaTopic(String name) {
        this.name = name;
    }

    /** The StreamBus topic this destination names. */
    public String getName() {
        return name;
    }

    /** Sets the StreamBus topic (1-249 characters of {@code [A-Za-z0-9._-]}; checked when it is used). */
    public void setName(String name) {
        this.name = name == null ? null : name.trim();
    }

    @Override
    public String getTopicName() {
        return name;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) {
        this.resourceAdapter = ra;
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamBusRaTopic other && java.util.Objects.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(name);
    }

    @Override
    public String toString() {
        return "topic://" + name;
    }
}
