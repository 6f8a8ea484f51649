package io.streambus.broker.server;

import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-connection state the request handlers need: an id (for the group coordinator), the remote address (for log
 * lines) and the authentication state of B.5.3. Touched only from the connection's event loop or, while one of its
 * requests is in progress, from the thread completing that request (never both at once, because requests of a
 * connection are handled one at a time), so fields need no locking.
 */
final class ClientConnection {
    private static final AtomicLong IDS = new AtomicLong();

    /** Authentication states of B.5.3. */
    public enum SaslState {
        NEW,
        MECHANISM_SELECTED,
        AUTHENTICATED
    }

    private final long id = IDS.incrementAndGet();
    private final Channel channel;
    private final String remote;
    private volatile String principal = "anonymous";
    private volatile SaslState saslState = SaslState.NEW;
    /** Set once a request other than ApiVersions or an empty-mechanism SaslHandshake was handled (B.5.1). */
    private volatile boolean workDone;
    /** Mechanism session while MECHANISM_SELECTED; typed by the security wiring. */
    private volatile Object saslSession;
    /** A verified client certificate named the principal. */
    private volatile boolean certificate;

    ClientConnection(Channel channel) {
        this.channel = channel;
        SocketAddress a = channel.remoteAddress();
        this.remote = a == null ? "?" : a.toString().replaceFirst("^/", "");
    }

    /** Unique id of this connection within the JVM. */
    public long id() {
        return id;
    }

    /** The Netty channel. */
    public Channel channel() {
        return channel;
    }

    /** Remote address as {@code host:port}, for log lines. */
    public String remote() {
        return remote;
    }

    /** The principal requests run as: {@code anonymous} until SASL or a client certificate says otherwise. */
    public String principal() {
        return principal;
    }

    void principal(String principal) {
        this.principal = principal;
    }

    /** Sets the principal from a verified client certificate. */
    void certificatePrincipal(String principal) {
        this.principal = principal;
        this.certificate = true;
    }

    /** True once SASL succeeded or a verified client certificate named the principal. */
    boolean authenticated() {
        return certificate || saslState == SaslState.AUTHENTICATED;
    }

    SaslState saslState() {
        return saslState;
    }

    void saslState(SaslState state) {
        this.saslState = state;
    }

    boolean workDone() {
        return workDone;
    }

    void markWorkDone() {
        this.workDone = true;
    }

    Object saslSession() {
        return saslSession;
    }

    void saslSession(Object session) {
        this.saslSession = session;
    }

    @Override
    public String toString() {
        return "connection " + id + " from " + remote;
    }
}
