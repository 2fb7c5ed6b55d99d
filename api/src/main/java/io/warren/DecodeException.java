package io.warren;

/**
 * A body that cannot become the requested type: its content type is unknown or not accepted, or
 * its bytes do not decode. Retrying will not help, so consumers dead-letter such messages at once.
 */
public class DecodeException extends WarrenException {

    /** The content type of the message that did not decode. */
    private final String contentType;

    /**
     * @param message what failed, naming the content type and the target type
     * @param contentType the message's content type
     * @param cause the decoder's failure, or null
     */
    public DecodeException(String message, String contentType, Throwable cause) {
        super(message, cause);
        this.contentType = contentType;
    }

    /** @return the content type of the message that did not decode */
    public String contentType() {
        return contentType;
    }
}
