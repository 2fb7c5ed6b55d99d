package io.warren.rar.config;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opens AMQP connections as the settings say. The client's own automatic recovery is off: Warren
 * owns recovery (the container's pool replaces broken outbound connections; inbound activations
 * reconnect themselves), so that no two layers fight over one connection.
 */
public final class BrokerConnector {

    private static final Logger LOG = Logger.getLogger(BrokerConnector.class.getName());

    private final ConnectionSettings settings;
    private final ConnectionFactory factory;

    /**
     * @param settings resolved settings; rejected when they have problems
     * @param user user name overriding the settings' (container-managed sign-on), or null
     * @param password password going with it, or null
     */
    public BrokerConnector(ConnectionSettings settings, String user, String password) {
        if (!settings.problems().isEmpty()) {
            throw new IllegalArgumentException("Invalid broker connection properties: "
                    + String.join("; ", settings.problems()));
        }
        this.settings = settings;
        this.factory = new ConnectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setVirtualHost(settings.virtualHost());
        factory.setUsername(user != null ? user : settings.user());
        factory.setPassword(user != null ? password : settings.password());
        factory.setRequestedHeartbeat(settings.heartbeatSeconds());
        factory.setConnectionTimeout(settings.connectionTimeoutMillis());
        factory.setHandshakeTimeout(settings.connectionTimeoutMillis());
        factory.setClientProperties(Map.of("connection_name", settings.connectionName(),
                "product", "Warren", "information", "Jakarta EE resource adapter for RabbitMQ"));
        if (settings.tls()) {
            factory.useSslProtocol(sslContext(settings));
            if (!settings.tlsTrustAll()) {
                factory.enableHostnameVerification();
            }
        }
    }

    private static SSLContext sslContext(ConnectionSettings settings) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (settings.tlsTrustAll()) {
                LOG.warning("tlsTrustAll=true: Warren accepts any broker certificate; use a trust store in production");
                context.init(null, new javax.net.ssl.TrustManager[] {new TrustEverything()}, null);
                return context;
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(settings.trustStore() == null ? null : loadTrustStore(settings));
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("trustStore: cannot load '" + settings.trustStore() + "' as "
                    + settings.trustStoreType() + " (" + e.getMessage() + ")", e);
        }
    }

    private static KeyStore loadTrustStore(ConnectionSettings settings) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(settings.trustStoreType());
        try (InputStream in = Files.newInputStream(Path.of(settings.trustStore()))) {
            String password = settings.trustStorePassword();
            store.load(in, password == null ? null : password.toCharArray());
        }
        return store;
    }

    /**
     * Opens a connection, trying each address in turn.
     *
     * @param purpose added to the connection name the broker shows, e.g. {@code outbound}
     */
    public synchronized Connection open(String purpose) throws IOException, TimeoutException {
        String name = settings.connectionName() + (purpose == null ? "" : " (" + purpose + ")");
        // the client's I/O and dispatch threads carry the connection's name, so thread dumps say whose they are
        AtomicInteger threads = new AtomicInteger();
        factory.setThreadFactory(runnable -> {
            Thread thread = new Thread(runnable, "warren-amqp " + name + " #" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Connection connection = factory.newConnection(settings.addresses(), name);
        LOG.log(Level.FINE, "Opened broker connection {0} to {1}", new Object[] {name, connection.getAddress()});
        return connection;
    }

    /** @return a description of where this connector goes, safe to log */
    public String describe() {
        return settings.addresses() + " vhost '" + settings.virtualHost() + "'" + (settings.tls() ? " with TLS" : "");
    }

    private static final class TrustEverything implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            // trust-all was asked for explicitly
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            // trust-all was asked for explicitly
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}
