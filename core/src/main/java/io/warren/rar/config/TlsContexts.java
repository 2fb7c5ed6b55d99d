package io.warren.rar.config;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;

/**
 * The TLS contexts of the settings: the broker's CA from trustStore and, for mutual TLS, the
 * client certificate from keyStore. Each failure names the property and the file, never a password.
 */
final class TlsContexts {

    private TlsContexts() {
    }

    /** @return the context for the broker connection: trustStore's CAs, and keyStore's certificate when set */
    static SSLContext forBroker(ConnectionSettings settings) {
        KeyManager[] keys = settings.keyStore() == null ? null : keyManagers(settings);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trustManagers(settings.trustStore(), settings.trustStorePassword(),
                    settings.trustStoreType(), "trustStore"), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls: this JVM offers no TLS (" + e.getMessage() + ")", e);
        }
    }

    /** @return the context for an https token endpoint, trusting oauth2TrustStore's CAs (or the JVM's) */
    static SSLContext forTokenEndpoint(ConnectionSettings settings) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers(settings.oauth2TrustStore(), settings.oauth2TrustStorePassword(),
                    settings.trustStoreType(), "oauth2TrustStore"), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("oauth2TokenEndpoint: this JVM offers no TLS (" + e.getMessage() + ")", e);
        }
    }

    private static javax.net.ssl.TrustManager[] trustManagers(String path, String password, String type, String property) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(path == null ? null : load(path, password, type));
            return trust.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(property + ": cannot load '" + path + "' as " + type
                    + " (" + e.getMessage() + ")", e);
        }
    }

    private static KeyManager[] keyManagers(ConnectionSettings settings) {
        String path = settings.keyStore();
        try {
            KeyStore store = load(path, settings.keyStorePassword(), settings.keyStoreType());
            String alias = settings.keyStoreAlias();
            if (alias != null && !store.isKeyEntry(alias)) {
                throw new IllegalArgumentException("keyStoreAlias: '" + alias + "' is not a key entry of keyStore '"
                        + path + "'; it holds " + Collections.list(store.aliases()));
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            String password = settings.keyStorePassword();
            factory.init(store, password == null ? new char[0] : password.toCharArray());
            KeyManager[] managers = factory.getKeyManagers();
            if (alias != null) {
                for (int i = 0; i < managers.length; i++) {
                    if (managers[i] instanceof X509ExtendedKeyManager manager) {
                        managers[i] = new OneAlias(manager, alias);
                    }
                }
            }
            return managers;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("keyStore: cannot load '" + path + "' as " + settings.keyStoreType()
                    + " (" + e.getMessage() + ")", e);
        }
    }

    private static KeyStore load(String path, String password, String type) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            store.load(in, password == null ? null : password.toCharArray());
        }
        return store;
    }

    /** Shows the configured entry whatever the broker's list of accepted CAs says: the broker judges it. */
    private static final class OneAlias extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final String alias;

        OneAlias(X509ExtendedKeyManager keys, String alias) {
            this.keys = keys;
            this.alias = alias;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String name) {
            return keys.getCertificateChain(name);
        }

        @Override
        public PrivateKey getPrivateKey(String name) {
            return keys.getPrivateKey(name);
        }
    }
}
