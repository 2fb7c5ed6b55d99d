package io.warren.celery;

import io.warren.OutgoingMessage;

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
import java.util.UUID;

/**
 * Celery's message protocol v2 and its {@code rpc://} result message, as Celery 5.2 writes them
 * ({@code celery/app/amqp.py} {@code as_task_v2}, {@code celery/backends/rpc.py}). One place for the
 * wire format, used both ways.
 */
final class Protocol {

    /** Celery's ISO 8601 with an explicit offset, as Python's {@code isoformat()} of an aware datetime. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);
    private static final int MAX_REPR = 1024;
    private static final int MAX_TRACEBACK = 8192;
    static final String SUCCESS = "SUCCESS";
    static final String FAILURE = "FAILURE";
    static final String REVOKED = "REVOKED";

    private Protocol() {
    }

    /** @return the task message of the call, with its id (a new UUID unless the call names one) */
    static OutgoingMessage task(TaskCall call, Clock clock) {
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
    static OutgoingMessage success(String taskId, Object value, Clock clock) {
        return result(taskId, SUCCESS, value, null, clock);
    }

    /** @return the result message of a task that threw the failure, as Celery's JSON encodes exceptions */
    static OutgoingMessage failure(String taskId, Throwable failure, Clock clock) {
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
        return result(taskId, FAILURE, exception, traceback(failure), clock);
    }

    private static OutgoingMessage result(String taskId, String status, Object value, String traceback, Clock clock) {
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

    /** @return the task's result, or throws its failure; any state but SUCCESS and FAILURE is refused */
    static Object outcome(String taskName, String taskId, Map<?, ?> body) {
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
                + ") answered with state " + status + "; Warren reads only the final SUCCESS or FAILURE. A task that "
                + "calls self.retry(), or task_track_started=True, sends an earlier state first: see docs/interop.md",
                null, taskId);
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
