package io.warren.testnode;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OAuth 2 token endpoint for tests (client credentials grant): it checks the client's id and
 * secret and issues JWTs signed with HS256 by a key it shares with the broker node, which carry
 * full permissions on every vhost for the resource server {@link #RESOURCE_SERVER}. It can be
 * made to refuse ({@link #answering(boolean)}) with HTTP 503 and a body that says why.
 */
public final class TokenServer implements AutoCloseable {

    public static final String RESOURCE_SERVER = "warren";
    public static final String KEY_ID = "warren-test-key";
    public static final String REFUSAL = "token service down for maintenance";

    private final HttpServer server;
    private final String clientId;
    private final String clientSecret;
    private final byte[] key;
    private final Duration lifetime;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicBoolean answering = new AtomicBoolean(true);

    public TokenServer(String clientId, String clientSecret, String key, Duration lifetime) throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.key = key.getBytes(StandardCharsets.US_ASCII);
        this.lifetime = lifetime;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.start();
    }

    /** @return the broker's {@code advanced.config} for tokens of this server signed with that key */
    public static String brokerConfig(String key) {
        return "[{rabbitmq_auth_backend_oauth2, [{resource_server_id, <<\"" + RESOURCE_SERVER + "\">>},"
                + " {key_config, [{default_key, <<\"" + KEY_ID + "\">>}, {signing_keys, #{<<\"" + KEY_ID + "\">> =>"
                + " {map, #{<<\"kty\">> => <<\"oct\">>, <<\"alg\">> => <<\"HS256\">>, <<\"k\">> => <<\""
                // RabbitMQ 3.10 takes a symmetric key as a JWK: "k" is the key in base64url
                + Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.US_ASCII))
                + "\">>}}}}]}]}].\n";
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** @return how many tokens it has issued */
    public int issued() {
        return issued.get();
    }

    /** @return how many requests it has refused while not {@link #answering(boolean) answering} */
    public int refused() {
        return refused.get();
    }

    /** Answers token requests, or refuses them all with 503. */
    public void answering(boolean answer) {
        answering.set(answer);
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String expected = "Basic " + Base64.getEncoder().encodeToString(
                    (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
            if (!answering.get()) {
                refused.incrementAndGet();
                respond(exchange, 503, "text/plain", REFUSAL);
            } else if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "application/json", "{\"error\":\"invalid_client\"}");
            } else {
                issued.incrementAndGet();
                respond(exchange, 200, "application/json", "{\"access_token\":\"" + jwt() + "\",\"token_type\":\"bearer\","
                        + "\"expires_in\":" + lifetime.toSeconds() + "}");
            }
        }
    }

    private String jwt() {
        long now = Instant.now().getEpochSecond();
        String header = base64("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + KEY_ID + "\"}");
        String claims = base64("{\"sub\":\"" + clientId + "\",\"aud\":[\"" + RESOURCE_SERVER + "\"],\"iat\":" + now
                + ",\"exp\":" + (now + lifetime.toSeconds()) + ",\"scope\":[\"" + RESOURCE_SERVER + ".configure:*/*\",\""
                + RESOURCE_SERVER + ".write:*/*\",\"" + RESOURCE_SERVER + ".read:*/*\"]}");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signature = mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
            return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
