package io.warren.it.app;

import io.warren.ConnectionFactory;
import io.warren.cdi.Producers;

import javax.naming.InitialContext;
import javax.naming.NamingException;

/** Finds the connection factory where each server binds it (the names @PublishTo tries). */
final class Factories {

    private Factories() {
    }

    static ConnectionFactory lookup() {
        try {
            InitialContext context = new InitialContext();
            for (String name : Producers.DEFAULT_CONNECTION_FACTORIES) {
                try {
                    return (ConnectionFactory) context.lookup(name);
                } catch (NamingException notThere) {
                    // the next name
                }
            }
        } catch (NamingException e) {
            throw new IllegalStateException("no JNDI context", e);
        }
        throw new IllegalStateException("No Warren connection factory at " + Producers.DEFAULT_CONNECTION_FACTORIES);
    }
}
