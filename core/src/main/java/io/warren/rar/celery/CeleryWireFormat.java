package io.warren.rar.celery;

import io.warren.DecodeException;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.TypeRef;
import io.warren.celery.CeleryTask;
import io.warren.celery.CeleryTaskException;
import io.warren.celery.TaskCall;
import io.warren.celery.UnknownTaskException;
import io.warren.celery.spi.CeleryProtocol;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Celery's message protocol v2 and its {@code rpc://} result message, as Celery 5.2 writes them
 * ({@code celery/app/amqp.py} {@code as_task_v2}, {@code celery/backends/rpc.py}). One place for the
 * wire format, used both ways: by the API's {@code CeleryClient} and {@code CeleryTasks}, which find
 * it with {@link java.util.ServiceLoader}. Immutable.
 */
public final class CeleryWireFormat implements CeleryProtocol {

    /** Celery's ISO 8601 with an explicit offset, as Python's {@code isoformat()} of an aware datetime. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);
    private static final int MAX_REPR = 1024;
    private static final int MAX_TRACEBACK = 8192;
    private static final String SUCCESS = "SUCCESS";
    private static final String FAILURE = "FAILURE";
    private static final String REVOKED = "REVOKED";
    private static final TypeRef<List<Object>> BODY = new TypeRef<>() {
    };
    /** Celery's {@code READY_STATES}: a result message in any other state (STARTED, RETRY, custom) is interim. */
    private static final Set<String> FINAL = Set.of(SUCCESS, FAILURE, REVOKED);

    private final Clock clock = Clock.systemUTC();

    /** @return the task message of the call, with its id (a new UUID unless the call names one) */
    @Override
    public OutgoingMessage task(TaskCall call) {
        String id = call.id() != null ? call.id() : UUID.randomUUID().toString();
        Instant eta = call.eta() != null ? call.eta()
                : call.countdown() != null ? clock.instant().plus(call.countdown()) : null;
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("lang", "py");   // what the worker expects of any v2 message, whoever wrote it
        headers.put("task", call.name());
        headers.put("id", id);
        headers.put("shadow", null);
        headers.put("eta", eta == null ? null : ISO.format(eta));
        headers.put("expires", call.expires() == null ? null : ISO.format(call.expires()));
        headers.put("group", null);
        headers.put("group_index", null);
        headers.put("retries", call.retries());
        headers.put("timelimit", Arrays.asList(null, null));
        headers.put("root_id", id);
        headers.put("parent_id", null);
        headers.put("argsrepr", repr(call.args()));
        headers.put("kwargsrepr", repr(call.kwargs()));
        headers.put("origin", "warren");
        headers.put("ignore_result", false);
        Map<String, Object> embed = new LinkedHashMap<>();
        embed.put("callbacks", signatures(call.links()));
        embed.put("errbacks", signatures(call.errbacks()));
        embed.put("chain", null);
        embed.put("chord", null);
        return OutgoingMessage.of(Arrays.asList(call.args(), call.kwargs(), embed))
                .serializer("json").headers(headers).correlationId(id).routingKey(call.queue())
                .build();
    }

    private static List<Object> signatures(List<TaskCall> calls) {
        if (calls.isEmpty()) {
            return null;
        }
        List<Object> signatures = new ArrayList<>();
        for (TaskCall call : calls) {
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("queue", call.queue());
            Map<String, Object> signature = new LinkedHashMap<>();
            signature.put("task", call.name());
            signature.put("args", call.args());
            signature.put("kwargs", call.kwargs());
            signature.put("options", options);
            signature.put("subtask_type", null);
            signature.put("immutable", false);
            signature.put("chord_size", null);
            signatures.add(signature);
        }
        return signatures;
    }

    private static String repr(Object value) {
        String text = String.valueOf(value);
        return text.length() <= MAX_REPR ? text : text.substring(0, MAX_REPR) + "...";
    }

    /** @return the result message of a task that returned the value */
    @Override
    public OutgoingMessage success(String taskId, Object value) {
        return result(taskId, SUCCESS, value, null);
    }

    /** @return the result message of a task that threw the failure, as Celery's JSON encodes exceptions */
    @Override
    public OutgoingMessage failure(String taskId, Throwable failure) {
        Map<String, Object> exception = new LinkedHashMap<>();
        if (failure instanceof CeleryTaskException celery) {
            exception.put("exc_type", celery.type());
            exception.put("exc_message", List.of(String.valueOf(celery.taskMessage())));
            exception.put("exc_module", celery.module());
        } else {
            // no module: Python makes a class of that name for it, rather than import a Java name
            exception.put("exc_type", failure.getClass().getSimpleName());
            exception.put("exc_message", List.of(String.valueOf(failure.getMessage())));
            exception.put("exc_module", null);
        }
        return result(taskId, FAILURE, exception, traceback(failure));
    }

    private OutgoingMessage result(String taskId, String status, Object value, String traceback) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_id", taskId);
        body.put("status", status);
        body.put("result", value);
        body.put("traceback", traceback);
        body.put("children", List.of());
        body.put("date_done", ISO.format(clock.instant()));
        return OutgoingMessage.of(body).serializer("json").correlationId(taskId).build();
    }

    private static String traceback(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        String trace = text.toString();
        return trace.length() <= MAX_TRACEBACK ? trace : trace.substring(0, MAX_TRACEBACK) + "...";
    }

    /**
     * @return whether the result message ends its task: its state is final, or it is no Celery result
     *     message at all (which {@link #outcome} then refuses, rather than wait out the timeout)
     */
    @Override
    public boolean isFinal(Message reply) {
        Object body = reply.payload(Object.class);
        return !(body instanceof Map<?, ?> result && result.get("status") instanceof String status)
                || FINAL.contains(status);
    }

    /** @return the task's result, or throws its failure; a state not final is refused */
    @Override
    public Object outcome(TaskCall call, String taskId, Message reply) {
        String taskName = call.name();
        if (!(reply.payload(Object.class) instanceof Map<?, ?> body)) {
            throw new CeleryTaskException("UnexpectedResult", null, "Celery task '" + taskName + "' (id " + taskId
                    + ") was answered with no result object, but " + reply.contentType() + " " + reply.body().length
                    + " bytes: is the worker's result_backend 'rpc://' and its result_serializer JSON?", null, taskId);
        }
        Object status = body.get("status");
        if (SUCCESS.equals(status)) {
            return body.get("result");
        }
        // REVOKED (an expired or revoked task) carries its exception as FAILURE does
        if ((FAILURE.equals(status) || REVOKED.equals(status)) && body.get("result") instanceof Map<?, ?> exception) {
            throw new CeleryTaskException(String.valueOf(exception.get("exc_type")),
                    exception.get("exc_module") == null ? null : String.valueOf(exception.get("exc_module")),
                    message(exception.get("exc_message")),
                    body.get("traceback") == null ? null : String.valueOf(body.get("traceback")), taskId);
        }
        throw new CeleryTaskException("UnexpectedState", null, "Celery task '" + taskName + "' (id " + taskId
                + ") answered with state " + status + "; Warren reads only the final SUCCESS, FAILURE or REVOKED",
                null, taskId);
    }

    /**
     * @param request a message
     * @return the Celery task it carries
     * @throws UnknownTaskException when it is no Celery task in protocol v2
     */
    @Override
    public CeleryTask read(Message request) {
        Object name = request.header("task");
        Object id = request.header("id");
        if (name == null || id == null) {
            throw new UnknownTaskException("The message on queue '" + request.queue() + "' is no Celery task: it "
                    + "lacks the headers 'task' and 'id' of Celery's message protocol v2 (Celery 4 and later; "
                    + "protocol 1 is not read)", request.contentType());
        }
        List<Object> body;
        try {
            body = request.payload(BODY);
        } catch (DecodeException e) {
            throw new UnknownTaskException("Celery task '" + name + "' on queue '" + request.queue() + "' has a body "
                    + "Warren cannot read as [args, kwargs, embed]: " + e.getMessage() + " (send it as JSON, Celery's "
                    + "default task_serializer)", request.contentType());
        }
        if (body == null || body.size() < 2 || !(body.get(0) instanceof List<?> args)
                || !(body.get(1) instanceof Map<?, ?> kwargs)) {
            throw new UnknownTaskException("Celery task '" + name + "' on queue '" + request.queue() + "' has no "
                    + "[args, kwargs, embed] body, as Celery's message protocol v2 sends it", request.contentType());
        }
        Map<String, Object> named = new LinkedHashMap<>();
        kwargs.forEach((key, value) -> named.put(String.valueOf(key), value));
        Object retries = request.header("retries");
        return new CeleryTask(name.toString(), id.toString(), new ArrayList<>(args), named,
                retries instanceof Number number ? number.intValue() : 0, request);
    }

    private static String message(Object excMessage) {
        if (excMessage instanceof List<?> parts) {
            List<String> texts = new ArrayList<>();
            parts.forEach(part -> texts.add(String.valueOf(part)));
            return String.join(", ", texts);
        }
        return String.valueOf(excMessage);
    }
}
