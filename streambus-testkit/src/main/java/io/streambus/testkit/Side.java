package io.streambus.testkit;

/** One end of a proxied connection. Immutable. */
public enum Side {
    /** The peer that connected to the proxy. */
    CLIENT,
    /** The proxied target. */
    SERVER
}
