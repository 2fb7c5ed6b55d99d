package io.warren.rar.config;

import com.rabbitmq.client.impl.OAuth2ClientCredentialsGrantCredentialsProvider;
import com.rabbitmq.client.impl.OAuthTokenManagementException;

import javax.net.ssl.HttpsURLConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The amqp-client's OAuth 2 client credentials grant, which says only "not 200" when the endpoint
 * refuses: this one keeps the endpoint's answer (its first {@value #ANSWER_LIMIT} bytes, with the
 * client secret masked should the endpoint echo it) so that the log says why.
 */
final class TokenEndpoint extends OAuth2ClientCredentialsGrantCredentialsProvider {

    private static final int ANSWER_LIMIT = 1024;

    private final String endpoint;
    private final String secret;
    // per instance: the request of the token retrieval running on this thread
    private final ThreadLocal<HttpURLConnection> request = new ThreadLocal<>();

    private TokenEndpoint(ConnectionSettings settings, Map<String, String> parameters, boolean https) {
        super(settings.oauth2TokenEndpoint(), settings.oauth2ClientId(),
                settings.oauth2ClientSecret() == null ? "" : settings.oauth2ClientSecret(), "client_credentials",
                parameters, https ? HttpsURLConnection.getDefaultHostnameVerifier() : null,
                https ? TlsContexts.forTokenEndpoint(settings).getSocketFactory() : null, connection -> { });
        this.endpoint = settings.oauth2TokenEndpoint();
        this.secret = settings.oauth2ClientSecret();
    }

    /** @return the credentials provider for the settings' token endpoint, client and scopes */
    static TokenEndpoint of(ConnectionSettings settings) {
        Map<String, String> parameters = new HashMap<>();
        if (settings.oauth2Scopes() != null) {
            parameters.put("scope", settings.oauth2Scopes());
        }
        return new TokenEndpoint(settings, parameters, settings.oauth2TokenEndpoint().startsWith("https://"));
    }

    /** @return the endpoint's URL, safe to log */
    String endpoint() {
        return endpoint;
    }

    @Override
    protected void configureConnection(HttpURLConnection connection) {
        super.configureConnection(connection);
        request.set(connection);
    }

    @Override
    protected void checkResponseCode(int responseCode) throws OAuthTokenManagementException {
        HttpURLConnection connection = request.get();
        request.remove();
        if (responseCode != 200) {
            throw new OAuthTokenManagementException("the token endpoint " + endpoint + " answered HTTP " + responseCode
                    + (connection == null ? "" : ": " + answer(connection)));
        }
    }

    private String answer(HttpURLConnection connection) {
        try (InputStream in = connection.getErrorStream()) {
            if (in == null) {
                return "(no body)";
            }
            String text = new String(in.readNBytes(ANSWER_LIMIT), StandardCharsets.UTF_8).strip();
            return secret == null || secret.isEmpty() ? text : text.replace(secret, "****");
        } catch (IOException e) {
            return "(body unreadable: " + e.getMessage() + ")";
        }
    }

    /** @return the failure's messages down its causes, which is where the client puts the reason */
    static String reason(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && text.indexOf(cause.getMessage()) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(cause.getMessage());
            }
        }
        return text.length() == 0 ? failure.getClass().getName() : text.toString();
    }
}
