package io.warren.celery.spi;

import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.celery.CeleryTask;
import io.warren.celery.TaskCall;

import java.util.ServiceLoader;

/**
 * Celery's wire format, as the adapter implements it: what {@link io.warren.celery.CeleryClient}
 * and {@link io.warren.celery.CeleryTasks} delegate to. Not for applications, which never need it;
 * found with {@link ServiceLoader} beside the API (in {@code warren.rar}, in the test kit).
 */
public interface CeleryProtocol {

    /**
     * @param call the task to send
     * @return its message in protocol v2, with the task id (the call's, or a new one) as correlation id
     */
    OutgoingMessage task(TaskCall call);

    /**
     * @param result a message that came back for a task
     * @return whether it ends the task (a final state), rather than tell of an interim one
     */
    boolean isFinal(Message result);

    /**
     * @param call the task that was sent
     * @param taskId its id
     * @param result its final result message
     * @return the task's return value, as JSON decodes it
     * @throws io.warren.celery.CeleryTaskException when the task raised, or the state is not final
     */
    Object outcome(TaskCall call, String taskId, Message result);

    /**
     * @param request a message
     * @return the Celery task it carries
     * @throws io.warren.celery.UnknownTaskException when it is no Celery task in protocol v2
     */
    CeleryTask read(Message request);

    /**
     * @param taskId the task's id
     * @param value what it returned
     * @return its SUCCESS result message
     */
    OutgoingMessage success(String taskId, Object value);

    /**
     * @param taskId the task's id
     * @param failure what it threw
     * @return its FAILURE result message
     */
    OutgoingMessage failure(String taskId, Throwable failure);

    /**
     * @return the adapter's implementation, found next to this interface
     * @throws IllegalStateException when there is none: the API without the adapter
     */
    static CeleryProtocol load() {
        return ServiceLoader.load(CeleryProtocol.class, CeleryProtocol.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("No implementation of Celery's protocol next to "
                        + "warren-api: the Celery classes run in warren.rar or with warren-core (the test kit) on the "
                        + "class path, not with warren-api alone"));
    }
}
