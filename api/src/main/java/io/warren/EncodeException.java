package io.warren;

/**
 * A payload or header that cannot be put on the wire: its serializer failed on it, or a header
 * value is of a type AMQP tables cannot carry. Nothing was published; publishing it again will
 * fail the same way.
 */
public class EncodeException extends WarrenException {

    /** The class name of the payload, or of the header value, that did not encode. */
    private final String payloadType;
    /** The content type the payload was to be encoded as, or null for a header. */
    private final String contentType;

    /**
     * @param message what failed, naming the payload's type and the content type
     * @param payloadType the class name of the payload (or header value) that did not encode
     * @param contentType the content type it was to be encoded as, or null for a header
     * @param cause the serializer's failure, or null
     */
    public EncodeException(String message, String payloadType, String contentType, Throwable cause) {
        super(message, cause);
        this.payloadType = payloadType;
        this.contentType = contentType;
    }

    /** @return the class name of the payload, or of the header value, that did not encode */
    public String payloadType() {
        return payloadType;
    }

    /** @return the content type the payload was to be encoded as, or null when a header failed */
    public String contentType() {
        return contentType;
    }
}
