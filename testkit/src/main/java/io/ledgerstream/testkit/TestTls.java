package io.ledgerstream.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throwaway TLS material for tests: a new certificate authority and one server certificate it signs, valid for
 * {@code localhost} and {@code 127.0.0.1} only, written as PKCS12 stores.
 *
 * <ul>
 *   <li>{@link #keystore()}: the server's private key and its chain (server certificate, CA certificate);
 *   <li>{@link #truststore()}: the CA certificate only, for clients (and the broker's own client connections).
 * </ul>
 *
 * <p>Keys are EC P-256, certificates are valid for {@link #VALIDITY} from one hour before generation. Both stores and
 * the server key share one random password ({@link #password()}). The CA's private key is discarded after signing, so
 * nothing else can ever be signed by it.
 *
 * <p>Immutable and thread-safe.
 */
public final class TestTls {

    /** How long the generated certificates are valid. */
    public static final Duration VALIDITY = Duration.ofDays(2);

    /** Type of both stores. */
    public static final String STORE_TYPE = "PKCS12";

    private static final String SIGNATURE = "SHA256withECDSA";

    private final Path keystore;
    private final Path truststore;
    private final String password;
    private final X509Certificate caCertificate;

    private TestTls(Path keystore, Path truststore, String password, X509Certificate caCertificate) {
        this.keystore = keystore;
        this.truststore = truststore;
        this.password = password;
        this.caCertificate = caCertificate;
    }

    /**
     * Generates a CA and a server certificate for {@code localhost}/{@code 127.0.0.1} and writes {@code
     * server.keystore.p12} and {@code truststore.p12} into {@code directory}.
     *
     * @param directory an existing, writable directory, not null
     * @return the generated material, never null
     * @throws IllegalStateException if the JDK cannot generate EC keys or sign certificates
     * @throws UncheckedIOException if the stores cannot be written
     */
    public static TestTls generate(Path directory) {
        Objects.requireNonNull(directory, "directory");
        SecureRandom random = new SecureRandom();
        byte[] secret = new byte[16];
        random.nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        try {
            KeyPair caKeys = ecKeyPair(random);
            X500Name caName = new X500Name("CN=ledgerstream test CA");
            Instant notBefore = Instant.now().minus(Duration.ofHours(1));
            Instant notAfter = notBefore.plus(VALIDITY);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();

            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(
                    caName, serial(random), Date.from(notBefore), Date.from(notAfter), caName, caKeys.getPublic());
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ca.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate caCert = sign(ca, caKeys);

            KeyPair serverKeys = ecKeyPair(random);
            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(
                    caCert,
                    serial(random),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    new X500Name("CN=localhost"),
                    serverKeys.getPublic());
            server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            server.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
            server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(
                        GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())
            }));
            server.addExtension(
                    Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(caCert));
            X509Certificate serverCert = sign(server, caKeys);

            KeyStore keys = KeyStore.getInstance(STORE_TYPE);
            keys.load(null, null);
            keys.setKeyEntry(
                    "server", serverKeys.getPrivate(), password.toCharArray(), new Certificate[] {serverCert, caCert});
            KeyStore trust = KeyStore.getInstance(STORE_TYPE);
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCert);

            Path keystore = directory.resolve("server.keystore.p12");
            Path truststore = directory.resolve("truststore.p12");
            store(keys, keystore, password);
            store(trust, truststore, password);
            return new TestTls(keystore, truststore, password, caCert);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("Cannot generate test TLS certificates", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot initialise an empty key store", e);
        }
    }

    /**
     * Returns the PKCS12 store holding the server's key and certificate chain.
     *
     * @return an absolute path, never null
     */
    public Path keystore() {
        return keystore;
    }

    /**
     * Returns the PKCS12 store holding the CA certificate, for clients.
     *
     * @return an absolute path, never null
     */
    public Path truststore() {
        return truststore;
    }

    /**
     * Returns the password of both stores and of the server key.
     *
     * @return 32 hex digits, never null
     */
    public String password() {
        return password;
    }

    /**
     * Returns the CA certificate.
     *
     * @return the self-signed CA certificate, never null
     */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /**
     * Returns the Kafka client settings that trust this CA ({@code ssl.truststore.*}); host name verification stays
     * on (Kafka's default {@code ssl.endpoint.identification.algorithm=https}).
     *
     * @return a new, modifiable map, never null
     */
    public Map<String, Object> clientTrustSettings() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", password);
        p.put("ssl.truststore.type", STORE_TYPE);
        return p;
    }

    /**
     * Returns the broker settings of a TLS listener using these stores (server key, and the CA for the broker's own
     * client connections).
     *
     * @return a new, modifiable map, never null
     */
    public Map<String, String> brokerSettings() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ssl.keystore.location", keystore.toString());
        p.put("ssl.keystore.password", password);
        p.put("ssl.key.password", password);
        p.put("ssl.keystore.type", STORE_TYPE);
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", password);
        p.put("ssl.truststore.type", STORE_TYPE);
        p.put("ssl.client.auth", "none");
        return p;
    }

    /** Shows the store locations, never the password. */
    @Override
    public String toString() {
        return "TestTls[keystore=" + keystore + ", truststore=" + truststore + "]";
    }

    private static KeyPair ecKeyPair(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(64, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(issuer.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static void store(KeyStore keyStore, Path path, String password) throws GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(path)) {
            keyStore.store(out, password.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path, e);
        }
    }
}
