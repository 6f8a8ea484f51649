package io.streambus.broker.security;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * The principal of a TLS client certificate.
 *
 * <p>Rule: the value of the subject's most specific {@code CN} attribute (the first CN in the RFC 2253 string form,
 * e.g. {@code CN=streambus-client,O=Acme} gives {@code streambus-client}); a subject without CN gives the whole
 * RFC 2253 subject name. No certificate (no client auth, or OPTIONAL and none sent) gives empty.
 *
 * <p>How the broker combines it with SASL: a SASL login sets the principal; otherwise the certificate's principal
 * is used; otherwise {@link Authorizer#ANONYMOUS}.
 *
 * <p>Static helpers only; thread-safe.
 */
public final class TlsPrincipal {
    private TlsPrincipal() {
    }

    /** The principal of the session's verified client certificate, if the client presented one. */
    public static Optional<String> fromSession(SSLSession session) {
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        return Optional.of(fromCertificate(leaf));
    }

    /** The principal of a certificate by the rule above. */
    public static String fromCertificate(X509Certificate certificate) {
        String dn = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
        try {
            List<Rdn> rdns = new LdapName(dn).getRdns(); // least specific first
            for (int i = rdns.size() - 1; i >= 0; i--) {
                Rdn rdn = rdns.get(i);
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            // An X500Principal always renders a valid RFC 2253 name; fall back to it anyway.
        }
        return dn;
    }
}
