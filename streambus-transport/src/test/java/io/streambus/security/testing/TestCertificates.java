package io.streambus.security.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test PKI generated with the JDK's {@code keytool} (no BouncyCastle), once per JVM, into a temporary directory that
 * is deleted at exit. Every store is PKCS12 with password {@link #PASSWORD}; keys are EC P-256.
 *
 * <ul>
 *   <li>{@link #caTrustStore()}: trusts the test CA ({@code CN=StreamBus Test CA});</li>
 *   <li>{@link #serverKeyStore()}: alias {@code server}, {@code CN=localhost}, SAN {@code ip:127.0.0.1,dns:localhost},
 *       signed by the CA, chain included;</li>
 *   <li>{@link #clientKeyStore()}: alias {@code client}, {@code CN=}{@value #CLIENT_CN}, signed by the CA;</li>
 *   <li>{@link #otherCaTrustStore()}: trusts only an unrelated CA ({@code CN=Unrelated Test CA});</li>
 *   <li>{@link #otherClientKeyStore()}: a client certificate ({@code CN=}{@value #OTHER_CLIENT_CN}) signed by the
 *       unrelated CA, which a server trusting the test CA must refuse.</li>
 * </ul>
 *
 * Thread-safe; the first call takes a few seconds (about a dozen keytool runs, partly in parallel).
 */
public final class TestCertificates {
    /** Password of every store and key. */
    public static final String PASSWORD = "changeit";
    /** Common name of the client certificate signed by the test CA. */
    public static final String CLIENT_CN = "streambus-client";
    /** Common name of the client certificate signed by the unrelated CA. */
    public static final String OTHER_CLIENT_CN = "rogue-client";

    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
    private static volatile TestCertificates instance;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** The per-JVM certificates, generated on first use. */
    public static TestCertificates get() {
        TestCertificates local = instance;
        if (local == null) {
            synchronized (TestCertificates.class) {
                local = instance;
                if (local == null) {
                    try {
                        local = generate();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while generating test certificates", e);
                    }
                    instance = local;
                }
            }
        }
        return local;
    }

    /** {@link #PASSWORD} as a fresh char array. */
    public char[] password() {
        return PASSWORD.toCharArray();
    }

    /** The directory holding every generated file. */
    public Path directory() {
        return dir;
    }

    /** PKCS12 trust store with the test CA. */
    public Path caTrustStore() {
        return dir.resolve("ca-truststore.p12");
    }

    /** PKCS12 key store with the server key and chain (server cert, CA cert). */
    public Path serverKeyStore() {
        return dir.resolve("server.p12");
    }

    /** PKCS12 key store with the client key and chain, signed by the test CA. */
    public Path clientKeyStore() {
        return dir.resolve("client.p12");
    }

    /** PKCS12 trust store with only the unrelated CA. */
    public Path otherCaTrustStore() {
        return dir.resolve("other-ca-truststore.p12");
    }

    /** PKCS12 key store with a client key signed by the unrelated CA. */
    public Path otherClientKeyStore() {
        return dir.resolve("other-client.p12");
    }

    /** The test CA certificate, PEM. */
    public Path caCertificatePem() {
        return dir.resolve("ca.pem");
    }

    private static TestCertificates generate() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("streambus-test-pki");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "test-pki-cleanup"));

        // Wave 1: every key pair (self-signed placeholders), in parallel.
        runAll(dir, List.of(
                genKeyPair("ca.p12", "ca", "CN=StreamBus Test CA,O=StreamBus", "bc:c"),
                genKeyPair("other-ca.p12", "ca", "CN=Unrelated Test CA,O=Elsewhere", "bc:c"),
                genKeyPair("server.p12", "server", "CN=localhost,O=StreamBus", null),
                genKeyPair("client.p12", "client", "CN=" + CLIENT_CN + ",O=StreamBus", null),
                genKeyPair("other-client.p12", "client", "CN=" + OTHER_CLIENT_CN + ",O=Elsewhere", null)));
        // Wave 2: certificate requests and CA certificates.
        runAll(dir, List.of(
                keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr"),
                keytool("-certreq", "-alias", "client", "-keystore", "client.p12", "-file", "client.csr"),
                keytool("-certreq", "-alias", "client", "-keystore", "other-client.p12", "-file",
                        "other-client.csr"),
                keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem"),
                keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "other-ca.p12", "-file",
                        "other-ca.pem")));
        // Wave 3: signing.
        runAll(dir, List.of(
                keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr",
                        "-outfile", "server.pem", "-validity", "3650", "-ext", "san=ip:127.0.0.1,dns:localhost",
                        "-ext", "eku=serverAuth,clientAuth", "-ext", "ku=digitalSignature"),
                keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", "client.csr",
                        "-outfile", "client.pem", "-validity", "3650", "-ext", "eku=clientAuth",
                        "-ext", "ku=digitalSignature"),
                keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "other-ca.p12", "-infile",
                        "other-client.csr", "-outfile", "other-client.pem", "-validity", "3650",
                        "-ext", "eku=clientAuth", "-ext", "ku=digitalSignature")));
        // Assemble chains and trust stores in-process (faster than more keytool runs).
        try {
            X509Certificate ca = readCert(dir.resolve("ca.pem"));
            X509Certificate otherCa = readCert(dir.resolve("other-ca.pem"));
            installChain(dir.resolve("server.p12"), "server", readCert(dir.resolve("server.pem")), ca);
            installChain(dir.resolve("client.p12"), "client", readCert(dir.resolve("client.pem")), ca);
            installChain(dir.resolve("other-client.p12"), "client", readCert(dir.resolve("other-client.pem")), otherCa);
            writeTrustStore(dir.resolve("ca-truststore.p12"), ca);
            writeTrustStore(dir.resolve("other-ca-truststore.p12"), otherCa);
        } catch (GeneralSecurityException e) {
            throw new IOException("assembling test key stores failed: " + e, e);
        }
        return new TestCertificates(dir);
    }

    private static List<String> genKeyPair(String store, String alias, String dname, String ext) {
        List<String> cmd = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", dname, "-validity", "3650", "-keystore", store));
        if (ext != null) {
            cmd.add("-ext");
            cmd.add(ext);
        }
        return keytool(cmd.toArray(String[]::new));
    }

    private static List<String> keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // keytool is a short-lived JVM: skip the optimizing JIT to start faster.
        cmd.add("-J-XX:TieredStopAtLevel=1");
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (!args[0].equals("-exportcert")) {
            cmd.addAll(List.of("-keypass", PASSWORD));
        }
        return cmd;
    }

    /** Runs keytool commands concurrently in {@code dir} and waits for all of them. */
    private static void runAll(Path dir, List<List<String>> commands) throws IOException, InterruptedException {
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (List<String> cmd : commands) {
            Path log = Files.createTempFile(dir, "keytool", ".log");
            logs.add(log);
            processes.add(new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool timed out: " + commands.get(i));
            }
            if (p.exitValue() != 0) {
                throw new IOException("keytool failed (" + p.exitValue() + "): " + commands.get(i) + "\n"
                        + Files.readString(logs.get(i), StandardCharsets.UTF_8));
            }
            Files.delete(logs.get(i));
        }
    }

    private static X509Certificate readCert(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void installChain(Path store, String alias, X509Certificate leaf, X509Certificate ca)
            throws IOException, GeneralSecurityException {
        KeyStore ks = load(store);
        PrivateKey key = (PrivateKey) ks.getKey(alias, PASSWORD.toCharArray());
        ks.setKeyEntry(alias, key, PASSWORD.toCharArray(), new Certificate[] {leaf, ca});
        try (OutputStream out = Files.newOutputStream(store)) {
            ks.store(out, PASSWORD.toCharArray());
        }
    }

    private static void writeTrustStore(Path store, X509Certificate ca) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        try (OutputStream out = Files.newOutputStream(store)) {
            ks.store(out, PASSWORD.toCharArray());
        }
    }

    private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit
        }
    }
}
