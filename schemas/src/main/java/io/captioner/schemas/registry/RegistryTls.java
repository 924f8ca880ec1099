package io.captioner.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * Builds the TLS context of an {@code https} schema registry from Confluent's {@code
 * schema.registry.ssl.*} trust and key store settings, with the JDK's own key store types.
 */
final class RegistryTls {

    private RegistryTls() {}

    /**
     * A TLS context trusting the certificates of a trust store and, when a key store is given,
     * presenting its key for mutual TLS; null when neither is configured.
     *
     * @param truststore trust store file, or null for the JVM's default trust
     * @param truststoreType {@code JKS}, {@code PKCS12} or {@code PEM} (X.509 certificates)
     * @param truststorePassword its password, or null
     * @param keystore key store file, or null
     * @param keystoreType {@code JKS} or {@code PKCS12}
     * @param keystorePassword its password, or null
     * @param keyPassword the key's password, or null for the key store's
     * @throws ConfigException naming the setting when a store cannot be read
     */
    static SSLContext context(
            String truststore,
            String truststoreType,
            String truststorePassword,
            String keystore,
            String keystoreType,
            String keystorePassword,
            String keyPassword) {
        if (truststore == null && keystore == null) {
            return null;
        }
        try {
            TrustManagerFactory trust = null;
            if (truststore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(
                        load(
                                SchemaRegistryClients.SSL_TRUSTSTORE_LOCATION_CONFIG,
                                truststore,
                                truststoreType,
                                truststorePassword));
            }
            KeyManagerFactory keys = null;
            if (keystore != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String password = keyPassword != null ? keyPassword : keystorePassword;
                keys.init(
                        load(
                                SchemaRegistryClients.SSL_KEYSTORE_LOCATION_CONFIG,
                                keystore,
                                keystoreType,
                                keystorePassword),
                        password == null ? new char[0] : password.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keys == null ? null : keys.getKeyManagers(),
                    trust == null ? null : trust.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(
                    "Cannot set up TLS for the schema registry: " + e.getMessage());
        }
    }

    private static KeyStore load(String key, String location, String type, String password) {
        Path file = Path.of(location);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key, location, "no such file");
        }
        String storeType = type == null || type.isBlank() ? "JKS" : type.trim();
        try (InputStream in = Files.newInputStream(file)) {
            if (storeType.toUpperCase(Locale.ROOT).equals("PEM")) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                Collection<? extends Certificate> certificates =
                        CertificateFactory.getInstance("X.509").generateCertificates(in);
                if (certificates.isEmpty()) {
                    throw new ConfigException(key, location, "no PEM certificate in the file");
                }
                int i = 0;
                for (Certificate certificate : certificates) {
                    store.setCertificateEntry("ca-" + i++, certificate);
                }
                return store;
            }
            KeyStore store = KeyStore.getInstance(storeType);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    key,
                    location,
                    "cannot read it as a " + storeType + " store: " + e.getMessage());
        }
    }
}
