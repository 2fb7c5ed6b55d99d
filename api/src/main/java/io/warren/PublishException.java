package io.warren;

/**
 * A publish that did not reach the broker safely: the connection failed, the broker nacked it,
 * or its confirm did not arrive in time. The message may or may not have been routed; publish it
 * again if duplicates are acceptable.
 */
public class PublishException extends WarrenException {

    /**
     * @param message what happened to the publish
     * @param cause the underlying failure, or null
     */
    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
