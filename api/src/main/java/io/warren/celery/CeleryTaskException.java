package io.warren.celery;

import io.warren.WarrenException;

/**
 * A Celery task that failed: its exception's type, module and message as Celery's result backend
 * carries them ({@code exc_type}, {@code exc_module}, {@code exc_message}), with the traceback.
 *
 * <p>{@link CeleryClient} fails a result's stage with it when a Celery worker's task raised. An MDB
 * serving tasks through {@link CeleryTasks} may throw it to make Python raise a given exception
 * type: {@code new CeleryTaskException("ValueError", "builtins", "no such account")} is raised as
 * Python's own {@code ValueError}.
 */
public class CeleryTaskException extends WarrenException {

    /** Celery's {@code exc_type}. */
    private final String type;
    /** Celery's {@code exc_module}, or null. */
    private final String module;
    /** The exception's arguments, joined. */
    private final String taskMessage;
    /** The worker's traceback, or null. */
    private final String traceback;
    /** The failed task's id, or null. */
    private final String taskId;

    /**
     * @param type the exception's class name in Python, {@code exc_type} (for example {@code ValueError})
     * @param module the module of that class, {@code exc_module} (for example {@code builtins}), or null
     * @param message the exception's message
     */
    public CeleryTaskException(String type, String module, String message) {
        this(type, module, message, null, null);
    }

    /**
     * @param type the exception's class name, {@code exc_type}
     * @param module its module, {@code exc_module}, or null
     * @param message the exception's message
     * @param traceback the task's traceback, or null
     * @param taskId the failed task's id, or null
     */
    public CeleryTaskException(String type, String module, String message, String traceback, String taskId) {
        super("Celery task " + (taskId == null ? "" : "'" + taskId + "' ") + "failed with "
                + (module == null || module.isEmpty() ? "" : module + ".") + type + ": " + message);
        this.type = type;
        this.module = module;
        this.taskMessage = message;
        this.traceback = traceback;
        this.taskId = taskId;
    }

    /** @return the exception's class name, Celery's {@code exc_type} (for example {@code ZeroDivisionError}) */
    public String type() {
        return type;
    }

    /** @return the module of the exception's class, Celery's {@code exc_module} (for example {@code builtins}); may be null */
    public String module() {
        return module;
    }

    /** @return the exception's message: its arguments, joined by ", " when there are several */
    public String taskMessage() {
        return taskMessage;
    }

    /** @return the task's traceback as the worker sent it, or null */
    public String traceback() {
        return traceback;
    }

    /** @return the failed task's id, or null */
    public String taskId() {
        return taskId;
    }
}
