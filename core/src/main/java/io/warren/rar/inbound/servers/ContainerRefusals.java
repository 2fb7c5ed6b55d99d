package io.warren.rar.inbound.servers;

/**
 * How one kind of container says that it turned a delivery away without running the MDB. The
 * Jakarta specifications give a container no standard way to say it, beyond the JCA
 * {@code UnavailableException}, so each server's own exceptions are recognised by a strategy of
 * its own, by name and shape, to keep Warren free of the servers' APIs.
 */
public interface ContainerRefusals {

    /**
     * @param thrown one exception of a failed delivery's cause chain, judged alone: the caller
     *     walks the chain
     * @return whether it is this container saying that it did not run the MDB
     */
    boolean refused(Throwable thrown);
}
