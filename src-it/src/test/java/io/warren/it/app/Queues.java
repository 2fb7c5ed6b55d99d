package io.warren.it.app;

/** The queue names the test application and the tests agree on. */
public final class Queues {
    public static final String IN = "warren.it.in";
    public static final String OUT = "warren.it.out";
    public static final String FAIL = "warren.it.fail";
    public static final String ROLLBACK = "warren.it.rollback";
    public static final String TX = "warren.it.tx";
    public static final String LOAD = "warren.it.load";
    public static final String SLOW = "warren.it.slow";
    public static final String SLOW_DONE = "warren.it.slow.done";
    public static final String HOLD = "warren.it.hold";
    public static final String HOLD_DONE = "warren.it.hold.done";
    public static final String SINK = "warren.it.sink";
    public static final String COUNTED = "warren.it.counted";
    public static final String RETRY = "warren.it.retry";
    public static final String RETRY_DONE = "warren.it.retry.done";
    /** What {@link BatchMdb} takes in batches, and where it reports what each committed batch held (BatchTest). */
    public static final String BATCH = "warren.it.batch";
    public static final String BATCH_DONE = "warren.it.batch.done";
    /** What a real kombu publishes to (KombuMdbTest), and where its MDB reports what it received. */
    public static final String KOMBU = "warren.it.kombu";
    public static final String KOMBU_DONE = "warren.it.kombu.done";
    /** What {@link PriceMdb} answers requests on (RequestReplyTest). */
    public static final String PRICES = "warren.it.prices";
    /** What the Celery worker CeleryTest starts consumes: {@link CeleryBean} sends it tasks. */
    public static final String CELERY_WORKER = "warren.it.celery.worker";
    /** What {@link CeleryMdb} serves Celery tasks on, called by a Python Celery client (CeleryTest). */
    public static final String CELERY_JAVA = "warren.it.celery.java";
    /** {@link KombuClientBean}'s SimpleQueue (KombuClientTest). */
    public static final String SIMPLE = "warren.it.simple";
    /** The exchange {@link KombuClientBean}'s retrying producer declares, bound to {@link #RETRIED}. */
    public static final String RETRY_EXCHANGE = "warren.it.retry-exchange";
    public static final String RETRIED = "warren.it.retried";
    /** An exchange that never exists: a publish there in a transaction fails its commit. */
    public static final String MISSING_EXCHANGE = "warren.it.missing-exchange";

    private Queues() {
    }
}
