package io.warren.celery;

import io.warren.DecodeException;

/**
 * A Celery task message an MDB does not serve: its task name is not one of the MDB's, or the
 * message is no Celery task at all. A {@link DecodeException}, so that the MDB's consumer
 * dead-letters it at once (no delivery could succeed), its message naming the task, the queue and
 * the names served.
 */
public class UnknownTaskException extends DecodeException {

    /**
     * @param message what was received and what would have been served
     * @param contentType the message's content type
     */
    public UnknownTaskException(String message, String contentType) {
        super(message, contentType, null);
    }
}
