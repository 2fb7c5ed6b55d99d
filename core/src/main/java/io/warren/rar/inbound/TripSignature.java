package io.warren.rar.inbound;

import com.rabbitmq.client.LongString;
import io.warren.rar.config.ConnectionSettings;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Warren's signature on a retry copy ({@link Redeliveries}): an HMAC-SHA256 over the queue, the
 * failures so far, the original exchange and routing key, and a digest of the body. RabbitMQ
 * passes a publisher's own {@code x-death} through unchanged, so the broker's word alone cannot
 * tell Warren's copy from a forged one; the signature can, since a publisher cannot make it
 * without the key.
 *
 * <p>The key is derived from the broker account the activation consumes with (user, password,
 * virtual host): every server consuming the queue with that account verifies what another one
 * signed, across restarts and redeploys, with nothing to configure. Someone holding that password
 * can forge a trip, but could as well consume and ack the queue itself.
 *
 * <p>Immutable and thread-safe; a {@link Mac} is made per call since one is not.
 */
final class TripSignature {

    private static final String ALGORITHM = "HmacSHA256";
    /** Changes the key when what is signed changes, so that an older signature never verifies. */
    private static final String KEY_LABEL = "io.warren retry trip signature key v1";

    private final byte[] key;

    private TripSignature(byte[] key) {
        this.key = key;
    }

    /** @return the signature of trips made with that broker account */
    static TripSignature forAccount(ConnectionSettings connection) {
        return forAccount(connection.user(), connection.password(), connection.virtualHost());
    }

    static TripSignature forAccount(String user, String password, String virtualHost) {
        Fields fields = new Fields();
        fields.text(KEY_LABEL).text(user).text(password).text(virtualHost);
        return new TripSignature(sha256(fields.bytes()));
    }

    /** @return the signature to write on the copy, as text */
    String sign(String queue, int failures, String exchange, String routingKey, byte[] body) {
        return Base64.getEncoder().encodeToString(mac(queue, failures, exchange, routingKey, body));
    }

    /** @param signature the header as delivered (a String or the client's LongString), or anything a publisher put there */
    boolean verifies(Object signature, String queue, int failures, String exchange, String routingKey, byte[] body) {
        if (!(signature instanceof LongString || signature instanceof String)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature.toString());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        // constant time: a publisher must not learn the signature byte by byte from how fast it is refused
        return MessageDigest.isEqual(given, mac(queue, failures, exchange, routingKey, body));
    }

    private byte[] mac(String queue, int failures, String exchange, String routingKey, byte[] body) {
        // each field length-prefixed: exchange "a.b" with key "c" must not sign the same as "a" with ".bc"
        Fields fields = new Fields();
        fields.text(queue).number(failures).text(exchange).text(routingKey).bytes(sha256(body));
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(fields.bytes());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The key must never reach a log: a record's or Object's toString could print or identify it. */
    @Override
    public String toString() {
        return "TripSignature[HmacSHA256, key not shown]";
    }

    /** Fields written one after another, each but the number preceded by its length; a null apart from "". */
    private static final class Fields {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Fields text(String value) {
            if (value == null) {
                return number(-1);
            }
            return bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        Fields bytes(byte[] value) {
            number(value.length);
            out.writeBytes(value);
            return this;
        }

        Fields number(int value) {
            out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(value).array());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
