package io.warren.test.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.AMQCommand;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One AMQP channel on the broker side: its consumers, its deliveries waiting for an ack, QoS,
 * confirms and transactions. Every method runs under the virtual host's lock.
 */
final class ServerChannel {

    private final ServerConnection connection;
    private final VirtualHost host;
    final int number;
    private final Map<String, Consumer> consumers = new LinkedHashMap<>();
    private final Unacknowledged unacked = new Unacknowledged();
    private long nextDeliveryTag = 1;
    private int prefetch;
    private int globalPrefetch;
    private boolean confirming;
    private long nextPublishSeq = 1;
    private boolean transactional;
    private final List<Runnable> pendingInTransaction = new ArrayList<>();
    private boolean closing;
    private boolean flowing = true;

    ServerChannel(ServerConnection connection, VirtualHost host, int number) {
        this.connection = connection;
        this.host = host;
        this.number = number;
    }

    boolean closing() {
        return closing;
    }

    boolean canDeliver() {
        return !closing && flowing && (globalPrefetch == 0 || unacked.size() < globalPrefetch);
    }

    /** Handles a client command on this channel; errors close the channel as RabbitMQ would. */
    void handle(AMQCommand command, long now) {
        Method method = command.getMethod();
        if (closing) {
            if (method instanceof AMQP.Channel.CloseOk) {
                connection.forget(this);
            }
            return; // RabbitMQ drops everything else while it waits for close-ok
        }
        try {
            dispatch(method, command, now);
        } catch (AmqpError error) {
            if (error.connectionLevel) {
                connection.fail(error, method);
                return;
            }
            send(new AMQImpl.Channel.Close(error.code, error.getMessage(), method.protocolClassId(),
                    method.protocolMethodId()));
            release(now);
        }
    }

    private void dispatch(Method method, AMQCommand command, long now) {
        if (method instanceof AMQP.Channel.Close) {
            release(now);
            send(new AMQImpl.Channel.CloseOk());
            connection.forget(this);
        } else if (method instanceof AMQP.Channel.Flow flow) {
            flowing = flow.getActive();
            send(new AMQImpl.Channel.FlowOk(flowing));
            host.dispatchAll(now);
        } else if (method instanceof AMQP.Exchange.Declare declare) {
            host.declareExchange(declare.getExchange(), declare.getType(), declare.getPassive(), declare.getDurable(),
                    declare.getAutoDelete(), declare.getInternal(), declare.getArguments());
            reply(declare.getNowait(), new AMQImpl.Exchange.DeclareOk());
        } else if (method instanceof AMQP.Exchange.Delete delete) {
            host.deleteExchange(delete.getExchange(), delete.getIfUnused());
            reply(delete.getNowait(), new AMQImpl.Exchange.DeleteOk());
        } else if (method instanceof AMQP.Exchange.Bind bind) {
            host.bind(connection, bind.getSource(), bind.getDestination(), false, bind.getRoutingKey(), bind.getArguments());
            reply(bind.getNowait(), new AMQImpl.Exchange.BindOk());
        } else if (method instanceof AMQP.Exchange.Unbind unbind) {
            host.unbind(connection, unbind.getSource(), unbind.getDestination(), false, unbind.getRoutingKey(),
                    unbind.getArguments());
            reply(unbind.getNowait(), new AMQImpl.Exchange.UnbindOk());
        } else if (method instanceof AMQP.Queue.Declare declare) {
            BrokerQueue queue = host.declareQueue(connection, declare.getQueue(), declare.getPassive(),
                    declare.getDurable(), declare.getExclusive(), declare.getAutoDelete(), declare.getArguments());
            reply(declare.getNowait(), new AMQImpl.Queue.DeclareOk(queue.name, queue.ready.size(), queue.consumerCount()));
        } else if (method instanceof AMQP.Queue.Bind bind) {
            host.bind(connection, bind.getExchange(), bind.getQueue(), true, bind.getRoutingKey(), bind.getArguments());
            reply(bind.getNowait(), new AMQImpl.Queue.BindOk());
        } else if (method instanceof AMQP.Queue.Unbind unbind) {
            host.unbind(connection, unbind.getExchange(), unbind.getQueue(), true, unbind.getRoutingKey(),
                    unbind.getArguments());
            send(new AMQImpl.Queue.UnbindOk());
        } else if (method instanceof AMQP.Queue.Purge purge) {
            int count = host.purge(connection, purge.getQueue());
            reply(purge.getNowait(), new AMQImpl.Queue.PurgeOk(count));
        } else if (method instanceof AMQP.Queue.Delete delete) {
            int count = host.deleteQueue(connection, delete.getQueue(), delete.getIfUnused(), delete.getIfEmpty());
            reply(delete.getNowait(), new AMQImpl.Queue.DeleteOk(count));
        } else if (method instanceof AMQP.Basic.Qos qos) {
            if (qos.getGlobal()) {
                globalPrefetch = qos.getPrefetchCount();
            } else {
                prefetch = qos.getPrefetchCount();
            }
            send(new AMQImpl.Basic.QosOk());
            host.dispatchAll(now);
        } else if (method instanceof AMQP.Basic.Consume consume) {
            consume(consume, now);
        } else if (method instanceof AMQP.Basic.Cancel cancel) {
            Consumer consumer = consumers.remove(cancel.getConsumerTag());
            if (consumer != null) {
                host.consumerRemoved(consumer);
            }
            reply(cancel.getNowait(), new AMQImpl.Basic.CancelOk(cancel.getConsumerTag()));
        } else if (method instanceof AMQP.Basic.Publish publish) {
            AMQP.BasicProperties properties = (AMQP.BasicProperties) command.getContentHeader();
            byte[] body = command.getContentBody();
            if (transactional) {
                pendingInTransaction.add(() -> publish(publish, properties, body, System.currentTimeMillis()));
            } else {
                publish(publish, properties, body, now);
            }
        } else if (method instanceof AMQP.Basic.Get get) {
            get(get, now);
        } else if (method instanceof AMQP.Basic.Ack ack) {
            settle(ack.getDeliveryTag(), ack.getMultiple(), null, now);
        } else if (method instanceof AMQP.Basic.Nack nack) {
            settle(nack.getDeliveryTag(), nack.getMultiple(), nack.getRequeue(), now);
        } else if (method instanceof AMQP.Basic.Reject reject) {
            settle(reject.getDeliveryTag(), false, reject.getRequeue(), now);
        } else if (method instanceof AMQP.Basic.Recover recover) {
            requeueAll(false, now);
            send(new AMQImpl.Basic.RecoverOk());
        } else if (method instanceof AMQP.Confirm.Select select) {
            if (transactional) {
                throw AmqpError.channel(AmqpError.PRECONDITION_FAILED,
                        "cannot switch from tx to confirm mode");
            }
            confirming = true;
            reply(select.getNowait(), new AMQImpl.Confirm.SelectOk());
        } else if (method instanceof AMQP.Tx.Select) {
            if (confirming) {
                throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "cannot switch from confirm to tx mode");
            }
            transactional = true;
            send(new AMQImpl.Tx.SelectOk());
        } else if (method instanceof AMQP.Tx.Commit) {
            requireTransaction();
            List<Runnable> work = List.copyOf(pendingInTransaction);
            pendingInTransaction.clear();
            work.forEach(Runnable::run);
            send(new AMQImpl.Tx.CommitOk());
        } else if (method instanceof AMQP.Tx.Rollback) {
            requireTransaction();
            pendingInTransaction.clear();
            unacked.rolledBack();
            send(new AMQImpl.Tx.RollbackOk());
        } else {
            throw AmqpError.connection(AmqpError.NOT_IMPLEMENTED, "method " + method.protocolMethodName()
                    + " is not modelled by Warren's in-memory broker");
        }
    }

    private void requireTransaction() {
        if (!transactional) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "channel is not transactional");
        }
    }

    private void consume(AMQP.Basic.Consume consume, long now) {
        BrokerQueue queue = host.existingQueue(connection, consume.getQueue());
        String tag = consume.getConsumerTag().isEmpty()
                ? "amq.ctag-" + UUID.randomUUID().toString().replace("-", "") : consume.getConsumerTag();
        if (consume.getArguments() != null && !consume.getArguments().isEmpty()) {
            // consumer priorities and stream offsets are not imitated: refused, naming them
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "the in-memory broker of warren-test takes no "
                    + "consumer arguments (" + consume.getArguments().keySet() + "): test x-priority and "
                    + "x-stream-offset against RabbitMQ");
        }
        if (consumers.containsKey(tag)) {
            throw AmqpError.connection(530, "attempt to reuse consumer tag '" + tag + "'");
        }
        if (queue.consumers.stream().anyMatch(existing -> existing.exclusive)
                || (consume.getExclusive() && !queue.consumers.isEmpty())) {
            throw AmqpError.channel(AmqpError.ACCESS_REFUSED, "queue '" + queue.name
                    + "' in vhost '/' in exclusive use");
        }
        Consumer consumer = new Consumer(this, tag, queue, consume.getNoAck(), consume.getExclusive(), prefetch);
        consumers.put(tag, consumer);
        queue.consumers.add(consumer);
        queue.hadConsumers = true;
        reply(consume.getNowait(), new AMQImpl.Basic.ConsumeOk(tag));
        host.dispatch(queue, now);
    }

    private void publish(AMQP.Basic.Publish publish, AMQP.BasicProperties properties, byte[] body, long now) {
        String expiration = properties.getExpiration();
        if (expiration != null && !expiration.matches("\\d+")) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "invalid expiration '" + expiration + "'");
        }
        VirtualHost.Outcome outcome = host.publish(publish.getExchange(), publish.getRoutingKey(), properties, body, now);
        if (!outcome.routed() && publish.getMandatory()) {
            send(new AMQImpl.Basic.Return(312, "NO_ROUTE", publish.getExchange(), publish.getRoutingKey()),
                    properties, body);
        }
        if (confirming) {
            long seq = nextPublishSeq++;
            send(outcome.refused() ? new AMQImpl.Basic.Nack(seq, false, false) : new AMQImpl.Basic.Ack(seq, false));
        }
    }

    private void get(AMQP.Basic.Get get, long now) {
        BrokerQueue queue = host.existingQueue(connection, get.getQueue());
        host.dispatch(queue, now); // expires what is due first
        QueueEntry entry = queue.pollHead();
        if (entry == null) {
            send(new AMQImpl.Basic.GetEmpty(""));
            return;
        }
        long tag = nextDeliveryTag++;
        if (!get.getNoAck()) {
            unacked.add(tag, queue, entry, null);
        }
        StoredMessage message = entry.message;
        send(new AMQImpl.Basic.GetOk(tag, entry.redelivered, message.exchange(), message.routingKey(),
                queue.ready.size()), deliveredProperties(queue, entry, true), message.body());
        host.dispatch(queue, now); // the new head may have expired meanwhile
    }

    /** Sends a message to one of this channel's consumers. */
    void deliver(Consumer consumer, BrokerQueue queue, QueueEntry entry) {
        long tag = nextDeliveryTag++;
        if (!consumer.noAck) {
            unacked.add(tag, queue, entry, consumer);
            queue.delivered(consumer);
        }
        StoredMessage message = entry.message;
        send(new AMQImpl.Basic.Deliver(consumer.tag, tag, entry.redelivered, message.exchange(), message.routingKey()),
                deliveredProperties(queue, entry, false), message.body());
    }

    /** Quorum queues tell the delivery count: on basic.get always, to consumers once it is not 0 (RabbitMQ 3.10). */
    private static AMQP.BasicProperties deliveredProperties(BrokerQueue queue, QueueEntry entry, boolean viaGet) {
        AMQP.BasicProperties properties = entry.message.properties();
        if (!queue.quorum || (entry.deliveryCount == 0 && !viaGet)) {
            return properties;
        }
        Map<String, Object> headers = new HashMap<>();
        if (properties.getHeaders() != null) {
            headers.putAll(properties.getHeaders());
        }
        headers.put("x-delivery-count", (long) entry.deliveryCount);
        return properties.builder().headers(headers).build();
    }

    private void settle(long tag, boolean multiple, Boolean requeue, long now) {
        List<Unacknowledged.Delivery> settled = unacked.take(tag, multiple, transactional);
        if (!transactional) {
            settled.forEach(Unacknowledged::release);
            finish(settled, requeue, now);
            return;
        }
        pendingInTransaction.add(() -> {
            unacked.committed(settled);
            finish(settled, requeue, System.currentTimeMillis());
        });
    }

    /** Acked deliveries are done; nacked and rejected ones go back to their queues or are dead-lettered. */
    private void finish(List<Unacknowledged.Delivery> settled, Boolean requeue, long now) {
        if (requeue != null) {
            // RabbitMQ settles a channel's deliveries queue by queue, consumer by consumer (rabbit_channel
            // groups them by consumer tag), each consumer's in delivery order: so they are dead-lettered or requeued
            settled.sort(Comparator.comparing(Unacknowledged.Delivery::consumerKey));
            for (Unacknowledged.Delivery each : settled) {
                host.returned(each.queue(), each.entry(), requeue, false, now);
            }
        }
        host.dispatchAll(now);
    }

    private void requeueAll(boolean channelEnded, long now) {
        List<Unacknowledged.Delivery> all = unacked.takeAll();
        // given back consumer by consumer in the order of their tags, each consumer's in delivery order
        // (rabbit_channel and rabbit_fifo keep them by consumer tag; RabbitMQ 3.10, measured)
        all.sort(Comparator.comparing(Unacknowledged.Delivery::consumerKey));
        for (Unacknowledged.Delivery each : all) {
            host.returned(each.queue(), each.entry(), true, channelEnded, now);
        }
        host.dispatchAll(now);
    }

    /** The queue of this consumer was deleted: the broker cancels it (consumer_cancel_notify). */
    void cancelledByBroker(Consumer consumer) {
        if (consumers.remove(consumer.tag) != null && !closing) {
            send(new AMQImpl.Basic.Cancel(consumer.tag, false));
        }
    }

    /** The channel ends: its consumers go, its unacked deliveries return to their queues. */
    void release(long now) {
        closing = true;
        for (Consumer consumer : List.copyOf(consumers.values())) {
            host.consumerRemoved(consumer);
        }
        consumers.clear();
        pendingInTransaction.clear();
        requeueAll(true, now);
    }

    private void reply(boolean noWait, Method method) {
        if (!noWait) {
            send(method);
        }
    }

    private void send(Method method) {
        connection.send(number, method, null, null);
    }

    private void send(Method method, AMQP.BasicProperties properties, byte[] body) {
        connection.send(number, method, properties, body);
    }
}
