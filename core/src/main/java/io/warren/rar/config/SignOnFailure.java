package io.warren.rar.config;

import com.rabbitmq.client.PossibleAuthenticationFailureException;

/** What a refused sign-on means for each mechanism, and what to check: the broker's reason comes along. */
final class SignOnFailure {

    private SignOnFailure() {
    }

    static String explain(ConnectionSettings settings, String user, PossibleAuthenticationFailureException failure) {
        String reason = " (broker's answer: " + failure.getMessage() + ")";
        if (settings.external()) {
            return "The broker refused the sign-on with SASL mechanism EXTERNAL: it takes the user name from the client "
                    + "certificate of keyStore '" + settings.keyStore() + "' (by default its CN); that user must exist "
                    + "on the broker with permissions on vhost '" + settings.virtualHost()
                    + "', and the broker must enable rabbitmq_auth_mechanism_ssl with EXTERNAL in auth_mechanisms" + reason;
        }
        if (settings.oauth2TokenEndpoint() != null) {
            return "The broker refused the OAuth 2 token from " + settings.oauth2TokenEndpoint() + " (SASL mechanism "
                    + "PLAIN): check the broker's auth_oauth2 settings (resource_server_id, signing keys) and the scopes "
                    + "the token carries (oauth2Scopes)" + reason;
        }
        return "The broker refused the sign-on of user '" + user + "' with SASL mechanism PLAIN: check user "
                + "and password (or the container-managed credential)" + reason;
    }
}
