package io.warren.rar.harness;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * A TCP proxy in front of the real broker that can freeze: while frozen it forwards nothing in
 * either direction (what it reads waits for the thaw), as a broker that stops answering or a
 * network that drops everything. Counts the connections made through it.
 */
public final class FreezingProxy extends BrokerProxy {

    private final Object gate = new Object();
    private boolean frozen;

    public FreezingProxy() {
        super("freezing-proxy");
    }

    /** @return connections made through the proxy so far */
    public int accepted() {
        return connections();
    }

    public void freeze() {
        synchronized (gate) {
            frozen = true;
        }
    }

    public void thaw() {
        synchronized (gate) {
            frozen = false;
            gate.notifyAll();
        }
    }

    @Override
    void beforeWrite() throws IOException {
        synchronized (gate) {
            while (frozen) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while frozen");
                }
            }
        }
    }

    @Override
    public void close() {
        thaw();
        super.close();
    }
}
