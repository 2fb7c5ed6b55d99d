package io.warren.rar.inbound.servers;

import jakarta.resource.spi.UnavailableException;

/**
 * Any container: the JCA's {@link UnavailableException}, by which a container says that the
 * endpoint cannot serve now (the MDB stopping, its pool exhausted). {@code createEndpoint} declares
 * it, and the consumer treats it there; this is for a container that throws it, or wraps it, from
 * the delivery itself.
 */
public final class JakartaRefusals implements ContainerRefusals {

    @Override
    public boolean refused(Throwable thrown) {
        return thrown instanceof UnavailableException;
    }
}
