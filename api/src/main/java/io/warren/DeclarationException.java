package io.warren;

/**
 * A declaration the broker refused: most often an exchange or queue that exists with other
 * arguments (RabbitMQ's {@code PRECONDITION_FAILED - inequivalent arg}), or a queue that does not
 * exist when only its existence was checked.
 */
public class DeclarationException extends WarrenException {

    /** The exchange or queue, e.g. {@code queue 'orders'}. */
    private final String entity;
    /** The argument that differs from the broker's, or null. */
    private final String argument;

    /**
     * @param message what the broker refused and how to resolve it
     * @param entity the exchange or queue, e.g. {@code queue 'orders'}
     * @param argument the argument that differs, or null where none does
     * @param cause the broker's error
     */
    public DeclarationException(String message, String entity, String argument, Throwable cause) {
        super(message, cause);
        this.entity = entity;
        this.argument = argument;
    }

    /** @return the exchange or queue, e.g. {@code queue 'orders'} */
    public String entity() {
        return entity;
    }

    /** @return the argument that differs from the broker's, or null where that is not the problem */
    public String argument() {
        return argument;
    }
}
