package io.warren.rar.config;

import com.rabbitmq.client.Address;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The order in which a new connection tries the {@code addresses}. Whatever the order, a node that
 * does not answer is skipped for the next one, so each strategy fails over alike; they differ in
 * where connections land while every node is up.
 */
public enum AddressStrategy {
    /** The first address that answers: every connection of a fleet goes to the first node. */
    IN_ORDER("inOrder"),
    /** A random order per connection. */
    SHUFFLE("shuffle"),
    /** Each connection starts one address further than the previous one of the same adapter or factory. */
    ROUND_ROBIN("roundRobin");

    private final String propertyValue;

    AddressStrategy(String propertyValue) {
        this.propertyValue = propertyValue;
    }

    /** @return the value as configured, e.g. {@code roundRobin} */
    public String propertyValue() {
        return propertyValue;
    }

    /** @return the strategy of that configured value (case ignored), or null when there is none */
    static AddressStrategy of(String value) {
        return Arrays.stream(values()).filter(strategy -> strategy.propertyValue.equalsIgnoreCase(value))
                .findFirst().orElse(null);
    }

    /** @return the valid values, for error messages */
    static String valid() {
        return Arrays.stream(values()).map(AddressStrategy::propertyValue).collect(Collectors.joining(", "));
    }

    /**
     * @param addresses the configured list
     * @param rotation the round-robin position of the adapter or factory that connects
     * @return the list in the order to try
     */
    List<Address> order(List<Address> addresses, AddressRotation rotation) {
        if (addresses.size() < 2) {
            return addresses;
        }
        List<Address> ordered = new ArrayList<>(addresses);
        switch (this) {
            case SHUFFLE -> Collections.shuffle(ordered, ThreadLocalRandom.current());
            case ROUND_ROBIN -> Collections.rotate(ordered, -rotation.next(ordered.size()));
            case IN_ORDER -> { }
        }
        return ordered;
    }
}
