package io.warren.celery;

import io.warren.Message;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Celery task received by an MDB serving it through {@link CeleryTasks}: its name, id, arguments
 * and keyword arguments, as JSON decodes them. Immutable.
 *
 * @param name the task's name ({@code task} header)
 * @param id the task id ({@code id} header)
 * @param args the positional arguments
 * @param kwargs the keyword arguments
 * @param retries how many times Celery retried it already ({@code retries} header)
 * @param message the message it came in
 */
public record CeleryTask(String name, String id, List<Object> args, Map<String, Object> kwargs, int retries,
                         Message message) {

    /**
     * Copies args and kwargs.
     *
     * @param name the task's name
     * @param id the task id
     * @param args the positional arguments
     * @param kwargs the keyword arguments
     * @param retries how many times Celery retried it already
     * @param message the message it came in
     */
    public CeleryTask {
        args = Collections.unmodifiableList(new ArrayList<>(args));   // JSON's nulls allowed, so no List.copyOf
        kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
    }

    /**
     * @param index a positional argument's index
     * @return that argument
     * @throws IllegalArgumentException naming the task when it has fewer arguments
     */
    public Object arg(int index) {
        if (index < 0 || index >= args.size()) {
            throw new IllegalArgumentException("Celery task '" + name + "' (id " + id + ") has " + args.size()
                    + " positional arguments, not an argument at index " + index);
        }
        return args.get(index);
    }

    @Override
    public String toString() {
        return "CeleryTask[" + name + ", id " + id + ", " + args.size() + " args, kwargs " + kwargs.keySet() + "]";
    }
}
