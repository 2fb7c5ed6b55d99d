package io.warren.it.app;

import io.warren.Exchange;
import io.warren.Message;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.RetryPolicy;
import io.warren.SimpleQueue;
import io.warren.cdi.PublishTo;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** kombu's client model from an EJB: a SimpleQueue, and a producer with a retry policy (KombuClientTest). */
@Stateless
public class KombuClientBean {

    /** More empty waits than the pool has channels: one kept past its wait would exhaust the pool. */
    private static final int EMPTY_WAITS = 10;
    private static final RetryPolicy RETRY = RetryPolicy.builder().maxRetries(3)
            .intervalStart(Duration.ofMillis(100)).intervalStep(Duration.ofMillis(200)).build();
    private static final Exchange EXCHANGE = Exchange.direct(Queues.RETRY_EXCHANGE);

    @Inject
    @PublishTo(routingKey = Queues.RETRIED)
    Producer plain;

    /**
     * Puts three jobs in the SimpleQueue and gets them back: the first acked, the second rejected,
     * the third requeued and got again; then waits on the empty queue more times than the pool has
     * channels.
     *
     * @return what happened, step by step, for the test to read
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String simpleQueue() {
        List<String> steps = new ArrayList<>();
        try (SimpleQueue jobs = Factories.lookup().simpleQueue(Queues.SIMPLE)) {
            jobs.put("job 1");
            jobs.put("job 2");
            jobs.put("job 3");
            steps.add("qsize " + jobs.qsize());
            Message first = jobs.get(Duration.ofSeconds(10)).orElseThrow();
            first.ack();
            steps.add(first.payload(String.class) + " " + first.outcome());
            Message second = jobs.get(Duration.ofSeconds(10)).orElseThrow();
            second.reject();
            steps.add(second.payload(String.class) + " " + second.outcome());
            Message third = jobs.get(Duration.ofSeconds(10)).orElseThrow();
            third.requeue();
            Message again = jobs.get(Duration.ofSeconds(10)).orElseThrow();
            again.ack();
            steps.add(again.payload(String.class) + " redelivered " + again.redelivered() + " " + again.outcome());
            int empty = 0;
            for (int i = 0; i < EMPTY_WAITS; i++) {
                Optional<Message> none = jobs.get(Duration.ofMillis(100));
                if (none.isEmpty()) {
                    empty++;
                }
            }
            steps.add(empty + " empty waits");
            steps.add("qsize " + jobs.qsize());
        }
        return String.join(", ", steps);
    }

    /**
     * Publishes with a retry policy through a producer that declares its exchange and queue (kombu's
     * {@code declare=[...]}), outside any transaction.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void publishWithRetry(String text) {
        retrying().publish(text);
    }

    /**
     * In one container transaction: a message to {@link Queues#RETRIED} through the default exchange, and one with a retry policy to
     * an exchange that does not exist, which the broker refuses by closing the channel. The
     * transaction decides: nothing is retried, and neither message goes out.
     */
    public void publishWithRetryInTransaction(String text) {
        plain.publish(text);
        Factories.lookup().producer(Producer.to(Queues.MISSING_EXCHANGE).routingKey(Queues.RETRIED).retry(RETRY)
                .build()).publish(text);
    }

    private Producer retrying() {
        return Factories.lookup().producer(Producer.to(EXCHANGE.name()).routingKey(Queues.RETRIED)
                .declare(EXCHANGE)
                .declare(Queue.builder(Queues.RETRIED).bind(EXCHANGE, Queues.RETRIED).build())
                .retry(RETRY).confirms(Duration.ofSeconds(10)).build());
    }
}
