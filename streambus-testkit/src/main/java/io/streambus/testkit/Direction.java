package io.streambus.testkit;

/** The direction of bytes through a {@link FaultProxy}. Immutable. */
public enum Direction {
    /** From the client (the proxy's accepting side) to the server (the proxied target): requests. */
    TO_SERVER,
    /** From the server to the client: replies. */
    TO_CLIENT
}
