package io.warren;

/** Base of Warren's unchecked exceptions; its message says what went wrong and what to do. */
public class WarrenException extends RuntimeException {

    /** @param message what went wrong, naming the queue, exchange or property */
    public WarrenException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public WarrenException(String message, Throwable cause) {
        super(message, cause);
    }
}
