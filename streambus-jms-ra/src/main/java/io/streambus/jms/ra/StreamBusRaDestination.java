package io.streambus.jms.ra;

import jakarta.resource.Referenceable;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import java.io.Serializable;
import java.util.Objects;
import javax.naming.Reference;

/**
 * What the adapter's administered destinations share: a JavaBean whose {@code Name} property is the StreamBus topic,
 * bound to the adapter and referenceable in JNDI. Configure it before use; afterwards it is read-only in practice and
 * thread-safe.
 */
public abstract class StreamBusRaDestination implements Serializable, Referenceable, ResourceAdapterAssociation {
    private static final long serialVersionUID = 1L;

    private String name;
    private transient ResourceAdapter resourceAdapter;
    private Reference reference;

    /** A destination without a name; the server sets {@code Name}. */
    protected StreamBusRaDestination() {
    }

    /** A destination named {@code name}. */
    protected StreamBusRaDestination(String name) {
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

    /** {@code queue://} or {@code topic://}. */
    abstract String scheme();

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Objects.equals(name, ((StreamBusRaDestination) o).name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass().getName(), name);
    }

    @Override
    public String toString() {
        return scheme() + name;
    }
}
