/**
 * Celery both ways, in Celery's message protocol v2 with its {@code rpc://} result backend:
 * {@link io.warren.celery.CeleryClient} sends {@link io.warren.celery.TaskCall}s to Celery workers
 * and reads their results; {@link io.warren.celery.CeleryTasks} lets a
 * {@link io.warren.ReplyingListener} MDB serve Celery task names, so that Python's
 * {@code AsyncResult.get()} returns what the MDB returned. See {@code docs/interop.md}.
 */
package io.warren.celery;
