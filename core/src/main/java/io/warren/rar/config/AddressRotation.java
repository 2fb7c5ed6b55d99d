package io.warren.rar.config;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the next round-robin connection starts in the address list. One per resource adapter
 * (shared by its activations and connection factories) or per connection factory used without
 * one, never static: two deployments of the adapter rotate independently.
 */
public final class AddressRotation {

    private final AtomicInteger next = new AtomicInteger();

    /** @return the start index for the next connection over that many addresses */
    int next(int size) {
        return Math.floorMod(next.getAndIncrement(), size);
    }
}
