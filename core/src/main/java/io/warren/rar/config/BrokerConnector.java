package io.warren.rar.config;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import com.rabbitmq.client.MetricsCollector;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.impl.AMQConnection;
import com.rabbitmq.client.impl.OAuthTokenManagementException;

import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
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
    private final AddressRotation rotation;

    /**
     * @param settings resolved settings; rejected when they have problems
     * @param user user name overriding the settings' (container-managed sign-on), or null
     * @param password password going with it, or null
     * @param rotation the round-robin position shared by the connectors of one adapter or factory
     */
    public BrokerConnector(ConnectionSettings settings, String user, String password, AddressRotation rotation) {
        this.rotation = rotation;
        if (!settings.problems().isEmpty()) {
            throw new IllegalArgumentException("Invalid broker connection properties: "
                    + String.join("; ", settings.problems()));
        }
        this.settings = settings;
        this.factory = new TranslatingConnectionFactory(settings.maxInboundMessageBodySize());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        factory.setVirtualHost(settings.virtualHost());
        factory.setUsername(user != null ? user : settings.user());
        factory.setPassword(user != null ? password : settings.password());
        if (settings.external()) {
            factory.setSaslConfig(DefaultSaslConfig.EXTERNAL);
        }
        if (settings.oauth2TokenEndpoint() != null) {
            // one token per connector, obtained when the first connection opens, refreshed while any is open
            TokenEndpoint tokens = TokenEndpoint.of(settings);
            factory.setCredentialsProvider(tokens);
            factory.setCredentialsRefreshService(new TokenRefresh(tokens, settings.connectionName()));
        }
        factory.setRequestedHeartbeat(settings.heartbeatSeconds());
        factory.setConnectionTimeout(settings.connectionTimeoutMillis());
        factory.setHandshakeTimeout(settings.connectionTimeoutMillis());
        // the client's default is 10 minutes: a broker that stops answering must not hold a caller that long
        factory.setChannelRpcTimeout(settings.channelRpcTimeoutMillis());
        // an answer that comes after its call timed out must not be taken for the answer to the next call
        factory.setChannelShouldCheckRpcResponseType(true);
        // over the client's defaults, not instead of them: those carry the capabilities without which
        // the broker sends neither connection.blocked nor basic.cancel
        Map<String, Object> clientProperties = new HashMap<>(AMQConnection.defaultClientProperties());
        clientProperties.put("connection_name", settings.connectionName());
        clientProperties.put("product", "Warren");
        clientProperties.put("information", "Jakarta EE resource adapter for RabbitMQ");
        factory.setClientProperties(clientProperties);
        if (settings.tls()) {
            if (settings.tlsTrustAll()) {
                LOG.warning("tlsTrustAll=true: Warren accepts any broker certificate under any name; "
                        + "use a trustStore in production");
                useTlsWithoutVerification();
            } else {
                factory.useSslProtocol(TlsContexts.forBroker(settings));
                // recent clients turn this on with useSslProtocol already; older ones on a server's class path do not
                factory.enableHostnameVerification();
            }
        }
    }

    private void useTlsWithoutVerification() {
        try {
            factory.useTlsWithNoVerification();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tlsTrustAll: this JVM offers no TLS (" + e.getMessage() + ")", e);
        }
    }

    /** Has the client count what happens on the connections opened from now on (publishes, channels, ...). */
    public void collectMetrics(MetricsCollector collector) {
        factory.setMetricsCollector(collector);
    }

    /** An open connection and the broker's flow control on it. */
    public record Opened(Connection connection, FlowControl flowControl) {
    }

    /**
     * Opens a connection, trying each address in turn, in the order of the address strategy. Every connection Warren opens logs when
     * the broker blocks and unblocks it.
     *
     * @param purpose added to the connection name the broker shows, e.g. {@code outbound}
     */
    public Connection open(String purpose) throws IOException, TimeoutException {
        return openWatched(purpose).connection();
    }

    /**
     * Opens a connection as {@link #open(String)} does, with its flow control, for those that
     * publish: they must not publish while the broker blocks the connection.
     */
    public synchronized Opened openWatched(String purpose) throws IOException, TimeoutException {
        String name = settings.connectionName() + (purpose == null ? "" : " (" + purpose + ")");
        // the client's I/O, heartbeat and dispatch threads carry the connection's name, so thread dumps say whose
        // they are, and the adapter's class loader: the first caller may be an application that a shared
        // connection outlives
        factory.setThreadFactory(AdapterThreads.named("warren-amqp " + name + " #"));
        Connection connection;
        try {
            connection = factory.newConnection(settings.addressStrategy().order(settings.addresses(), rotation), name);
        } catch (SSLException e) {
            throw new IOException(explain(e), e);
        } catch (PossibleAuthenticationFailureException e) {
            throw new IOException(SignOnFailure.explain(settings, factory.getUsername(), e), e);
        } catch (SocketException | EOFException e) {
            if (settings.tls() && settings.keyStore() != null) {
                throw new IOException(closedAfterHandshake(e), e);
            }
            throw e;
        } catch (OAuthTokenManagementException e) {
            throw new IOException("oauth2TokenEndpoint: cannot obtain a token to sign on with ("
                    + TokenEndpoint.reason(e) + ")", e);
        }
        FlowControl flowControl = new FlowControl(name);
        connection.addBlockedListener(flowControl);
        connection.addShutdownListener(cause -> flowControl.closed());
        LOG.log(Level.FINE, "Opened broker connection {0} to {1}:{2}",
                new Object[] {name, connection.getAddress().getHostAddress(), String.valueOf(connection.getPort())});
        return new Opened(connection, flowControl);
    }

    /** @return what went wrong in a TLS handshake, and which property would put it right */
    private String explain(SSLException failure) {
        String where = "TLS handshake with " + settings.addresses() + " failed";
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertPathBuilderException || cause instanceof CertPathValidatorException) {
                return where + ": the broker's certificate is not signed by a CA in "
                        + (settings.trustStore() == null
                                ? "the JVM's default trust store; set trustStore to a trust store holding the broker's CA"
                                : "trustStore '" + settings.trustStore() + "'; add the broker's CA to it")
                        + " (" + failure.getMessage() + ")";
            }
            String message = String.valueOf(cause.getMessage());
            if (message.startsWith("No subject alternative") || message.startsWith("No name matching")) {
                return where + ": the broker's certificate does not carry the host name connected to; connect by "
                        + "a name it carries (host, addresses or uri) (" + message + ")";
            }
        }
        if (settings.keyStore() != null) {
            // a broker that refuses the client certificate ends the handshake with an alert that says why
            return where + ": if the broker refused the client certificate of keyStore '" + settings.keyStore()
                    + "'" + (settings.external() ? " (saslMechanism EXTERNAL)" : "")
                    + ", it must be signed by a CA the broker trusts (" + failure.getMessage() + ")";
        }
        return where + " (" + failure.getMessage() + ")";
    }

    /** With TLS 1.3 a broker refuses a client certificate after the handshake: the client sees the socket close. */
    private String closedAfterHandshake(IOException failure) {
        return "The broker " + settings.addresses() + " closed the TLS connection at once (" + failure.getMessage()
                + "): over TLS 1.3 this is how it refuses the client certificate of keyStore '" + settings.keyStore() + "'"
                + (settings.external() ? " (saslMechanism EXTERNAL)" : "") + "; it must be signed by a CA the broker "
                + "trusts (the broker's log names the reason)";
    }

    /** @return a description of where this connector goes, safe to log */
    public String describe() {
        return settings.addresses() + " vhost '" + settings.virtualHost() + "'" + (settings.tls() ? " with TLS" : "")
                + (settings.external() ? ", signing on with the client certificate (EXTERNAL)" : "")
                + (settings.oauth2TokenEndpoint() != null ? ", signing on with OAuth 2 tokens from "
                        + settings.oauth2TokenEndpoint() : "");
    }
}
