package io.streambus.broker.security;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The principal of a TLS client certificate: the leaf certificate's subject mapped by a {@link TlsPrincipalMapper}
 * (by default {@code tls:} followed by the full RFC 2253 subject, e.g. {@code tls:CN=streambus-client,O=Acme}). No
 * certificate (no client auth, or OPTIONAL and none sent) gives empty.
 *
 * <p>How the broker combines it with SASL: a SASL login sets the principal (the bare user name); otherwise the
 * certificate's principal is used; otherwise {@link Authorizer#ANONYMOUS}. The {@code tls:} prefix keeps the two
 * namespaces apart.
 *
 * <p>Static helpers only; thread-safe.
 */
public final class TlsPrincipal {
    private TlsPrincipal() {
    }

    /** The principal of the session's verified client certificate, if the client presented one. */
    public static Optional<String> fromSession(SSLSession session, TlsPrincipalMapper mapper) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        return Optional.of(fromCertificate(leaf, mapper));
    }

    /** As {@link #fromSession(SSLSession, TlsPrincipalMapper)} with the default mapper. */
    public static Optional<String> fromSession(SSLSession session) {
        return fromSession(session, TlsPrincipalMapper.defaultMapper());
    }

    /** The principal of a certificate under {@code mapper}. */
    public static String fromCertificate(X509Certificate certificate, TlsPrincipalMapper mapper) {
        return mapper.principal(certificate.getSubjectX500Principal());
    }

    /** The principal of a certificate under the default mapper. */
    public static String fromCertificate(X509Certificate certificate) {
        return fromCertificate(certificate, TlsPrincipalMapper.defaultMapper());
    }
}
