package io.warren.rar.outbound;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A connection factory's reply consumers, one per set of credentials its requests go out with, so
 * that a request is published as the user the container signed on with, as a publish is, never as
 * the factory's own user. Also what the factory learnt of the container's sign-on: while every
 * managed connection it made signed on with the factory's own credentials, a request needs no
 * managed connection to know them.
 *
 * <p>Threading: any thread; the consumers are made under the factory's lock.
 */
final class ReplyConsumers {

    private final Map<Credentials, ReplyConsumer> consumers = new ConcurrentHashMap<>();
    private final Set<Credentials> signOns = ConcurrentHashMap.newKeySet();

    /** A managed connection signed on with these credentials. */
    void signedOn(Credentials credentials) {
        signOns.add(credentials);
    }

    /**
     * @return the factory's own credentials when every managed connection so far signed on with
     *     them; null when the container signed on otherwise, or was never asked
     */
    Credentials knownSignOn() {
        return signOns.size() == 1 && signOns.contains(Credentials.CONFIGURED) ? Credentials.CONFIGURED : null;
    }

    /** @return the consumer of the requests that go out with these credentials, or null */
    ReplyConsumer get(Credentials credentials) {
        return consumers.get(credentials);
    }

    /** @return the consumer of the requests that go out with these credentials, made if there is none */
    ReplyConsumer of(Credentials credentials, Function<Credentials, ReplyConsumer> make) {
        return consumers.computeIfAbsent(credentials, make);
    }

    /** @return how many requests wait for their replies, of every consumer */
    int inFlight() {
        return consumers.values().stream().mapToInt(ReplyConsumer::inFlight).sum();
    }

    /** Fails what waits and closes every consumer: the factory closes. */
    void close() {
        consumers.values().forEach(ReplyConsumer::close);
        consumers.clear();
    }
}
