package io.warren.rar.outbound;

import io.warren.Message;
import io.warren.TypeRef;

import java.time.Instant;
import java.util.Map;

/**
 * A message a {@link PooledSimpleQueue} got: the fetched message, whose settlement also gives back
 * the pooled channel it held, whether the settlement reached the broker or found the channel closed
 * (the broker then requeued the message itself).
 */
final class SimpleQueueMessage implements Message {

    private final Message fetched;
    private final Runnable release;

    SimpleQueueMessage(Message fetched, Runnable release) {
        this.fetched = fetched;
        this.release = release;
    }

    @Override
    public void ack() {
        try {
            fetched.ack();
        } finally {
            release.run();
        }
    }

    @Override
    public void reject() {
        try {
            fetched.reject();
        } finally {
            release.run();
        }
    }

    @Override
    public void requeue() {
        try {
            fetched.requeue();
        } finally {
            release.run();
        }
    }

    @Override
    public Outcome outcome() {
        return fetched.outcome();
    }

    @Override
    public byte[] body() {
        return fetched.body();
    }

    @Override
    public <T> T payload(Class<T> type) {
        return fetched.payload(type);
    }

    @Override
    public <T> T payload(TypeRef<T> type) {
        return fetched.payload(type);
    }

    @Override
    public String contentType() {
        return fetched.contentType();
    }

    @Override
    public String contentEncoding() {
        return fetched.contentEncoding();
    }

    @Override
    public Map<String, Object> headers() {
        return fetched.headers();
    }

    @Override
    public Object header(String name) {
        return fetched.header(name);
    }

    @Override
    public boolean persistent() {
        return fetched.persistent();
    }

    @Override
    public Integer priority() {
        return fetched.priority();
    }

    @Override
    public String correlationId() {
        return fetched.correlationId();
    }

    @Override
    public String replyTo() {
        return fetched.replyTo();
    }

    @Override
    public String expiration() {
        return fetched.expiration();
    }

    @Override
    public String messageId() {
        return fetched.messageId();
    }

    @Override
    public Instant timestamp() {
        return fetched.timestamp();
    }

    @Override
    public String type() {
        return fetched.type();
    }

    @Override
    public String userId() {
        return fetched.userId();
    }

    @Override
    public String appId() {
        return fetched.appId();
    }

    @Override
    public String exchange() {
        return fetched.exchange();
    }

    @Override
    public String routingKey() {
        return fetched.routingKey();
    }

    @Override
    public String queue() {
        return fetched.queue();
    }

    @Override
    public long deliveryTag() {
        return fetched.deliveryTag();
    }

    @Override
    public boolean redelivered() {
        return fetched.redelivered();
    }

    @Override
    public String toString() {
        return fetched.toString();
    }
}
