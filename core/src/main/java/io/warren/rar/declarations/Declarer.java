package io.warren.rar.declarations;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.Binding;
import io.warren.DeclarationException;
import io.warren.Exchange;
import io.warren.Queue;
import io.warren.WarrenException;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Declares exchanges, queues and bindings on a channel, and explains the broker's refusals. A
 * refused declaration closes the channel (AMQP says so): the caller must not use it again.
 */
public final class Declarer {

    private static final Pattern INEQUIVALENT =
            Pattern.compile("inequivalent arg '([^']*)' for (exchange|queue) '([^']*)' in vhost '[^']*': (.*)");
    /** RabbitMQ 3.x's detail: {@code received '20' but current is the value '10' of type 'signedint'}. */
    private static final Pattern RECEIVED = Pattern.compile("received (.*) but current is (.*)");
    private static final Pattern TYPED_VALUE = Pattern.compile("the value '(.*)' of type '[^']*'");

    private final Channel channel;

    public Declarer(Channel channel) {
        this.channel = channel;
    }

    /** Declares the exchange, the exchanges it is bound to and those bindings; nothing for the default exchange. */
    public void declare(Exchange exchange) {
        if (exchange.isDefault()) {
            return;
        }
        try {
            channel.exchangeDeclare(exchange.name(), exchange.type().amqpName(), exchange.durable(),
                    exchange.autoDelete(), exchange.internal(), exchange.arguments());
        } catch (IOException e) {
            throw explain("exchange '" + exchange.name() + "'", e);
        }
        for (Binding binding : exchange.bindings()) {
            declare(binding.exchange());
            bind(exchange.name(), binding.exchange().name(), binding.routingKey(), binding.arguments());
        }
    }

    /**
     * Binds an exchange to a source exchange that must exist (kombu's {@code bind_to}); idempotent.
     *
     * @throws io.warren.DeclarationException naming both exchanges when the broker refuses
     */
    public void bind(String destination, String source, String routingKey, Map<String, Object> arguments) {
        try {
            channel.exchangeBind(destination, source, routingKey, arguments);
        } catch (IOException e) {
            throw explain(exchangeBinding(destination, source, routingKey), e);
        }
    }

    /** Removes a binding of an exchange to a source exchange; one that does not exist is no error. */
    public void unbind(Exchange destination, Binding binding) {
        try {
            channel.exchangeUnbind(destination.name(), binding.exchange().name(), binding.routingKey(),
                    binding.arguments());
        } catch (IOException e) {
            throw explain(exchangeBinding(destination.name(), binding.exchange().name(), binding.routingKey()), e);
        }
    }

    private static String exchangeBinding(String destination, String source, String routingKey) {
        return "binding of exchange '" + destination + "' to exchange '" + source + "' with key '" + routingKey + "'";
    }

    /** Declares the queue, its bindings' exchanges and its bindings; returns it with its broker name. */
    public Queue declare(Queue queue) {
        Queue declared;
        try {
            AMQP.Queue.DeclareOk ok = channel.queueDeclare(queue.name(), queue.durable(), queue.exclusive(),
                    queue.autoDelete(), queue.arguments());
            declared = queue.name().isEmpty() ? queue.withName(ok.getQueue()) : queue;
        } catch (IOException e) {
            throw explain("queue '" + queue.name() + "'", e);
        }
        Set<Exchange> exchanges = new LinkedHashSet<>();
        queue.bindings().forEach(binding -> exchanges.add(binding.exchange()));
        exchanges.forEach(this::declare);
        for (Binding binding : queue.bindings()) {
            try {
                channel.queueBind(declared.name(), binding.exchange().name(), binding.routingKey(), binding.arguments());
            } catch (IOException e) {
                throw explain("binding of queue '" + declared.name() + "' to exchange '"
                        + binding.exchange().name() + "' with key '" + binding.routingKey() + "'", e);
            }
        }
        return declared;
    }

    /** @throws DeclarationException naming the queue when it does not exist */
    public void checkExists(String queue) {
        try {
            channel.queueDeclarePassive(queue);
        } catch (IOException e) {
            throw explain("queue '" + queue + "'", e);
        }
    }

    /** @return the queue's ready messages as the broker counts them */
    public long messageCount(String queue) {
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException e) {
            throw explain("queue '" + queue + "'", e);
        }
    }

    public void delete(Exchange exchange) {
        try {
            channel.exchangeDelete(exchange.name());
        } catch (IOException e) {
            throw explain("exchange '" + exchange.name() + "'", e);
        }
    }

    public void deleteQueue(String queue) {
        try {
            channel.queueDelete(queue);
        } catch (IOException e) {
            throw explain("queue '" + queue + "'", e);
        }
    }

    public long purge(String queue) {
        try {
            return channel.queuePurge(queue).getMessageCount();
        } catch (IOException e) {
            throw explain("queue '" + queue + "'", e);
        }
    }

    /** Turns the broker's refusal into an exception that names the entity and what to do. */
    static WarrenException explain(String entity, IOException failure) {
        String reason = reason(failure);
        Matcher inequivalent = INEQUIVALENT.matcher(reason);
        if (inequivalent.find()) {
            String argument = inequivalent.group(1);
            String kind = inequivalent.group(2);
            String name = inequivalent.group(3);
            return new DeclarationException("The broker already has " + kind + " '" + name
                    + "' with a different '" + argument + "': " + values(inequivalent.group(4)) + ". Declare it with the "
                    + "broker's value, or delete the " + kind + " first" + (kind.equals("queue")
                    ? " (its messages are lost)" : "") + "; RabbitMQ never changes an existing " + kind
                    + "'s arguments.", kind + " '" + name + "'", argument, failure);
        }
        if (reason.contains("NOT_FOUND")) {
            return new DeclarationException("The broker has no " + entity + " (" + reason + "): declare it first, "
                    + "or check its name and virtual host.", entity, null, failure);
        }
        if (reason.contains("ACCESS_REFUSED") || reason.contains("RESOURCE_LOCKED")
                || reason.contains("PRECONDITION_FAILED")) {
            return new DeclarationException("The broker refused " + entity + ": " + reason, entity, null, failure);
        }
        return new WarrenException("Could not reach the broker to declare " + entity + ": " + reason, failure);
    }

    /** @return the broker's "received X but current is Y" as "declared X, the broker has Y", or as it was */
    static String values(String detail) {
        Matcher values = RECEIVED.matcher(detail);
        if (!values.matches()) {
            return detail;
        }
        return "declared " + value(values.group(1)) + ", the broker has " + value(values.group(2));
    }

    private static String value(String text) {
        if (text.equals("none")) {
            return "none (not set)";
        }
        Matcher typed = TYPED_VALUE.matcher(text);
        if (typed.matches()) {
            return typed.group(1);
        }
        return text.startsWith("'") && text.endsWith("'") && text.length() > 1 ? text.substring(1, text.length() - 1) : text;
    }

    private static String reason(IOException failure) {
        Throwable cause = failure.getCause();
        if (cause instanceof ShutdownSignalException signal && signal.getReason() != null) {
            Object method = signal.getReason();
            if (method instanceof AMQP.Channel.Close close) {
                return close.getReplyText();
            }
            if (method instanceof AMQP.Connection.Close close) {
                return close.getReplyText();
            }
        }
        return String.valueOf(failure.getMessage() != null ? failure.getMessage() : cause);
    }
}
