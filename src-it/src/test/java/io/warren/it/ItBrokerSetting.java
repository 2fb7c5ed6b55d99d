package io.warren.it;

import java.io.IOException;

/**
 * A broker-wide setting a test changes, read before the change: {@link #close()} puts back
 * exactly what was there (unsets an application variable that was unset), not what the test
 * thinks the default is. The broker is shared with other test runs and with whoever set it up.
 * (The adapter's harness has the same, as {@code BrokerSetting}.)
 */
final class ItBrokerSetting implements AutoCloseable {

    private final String before;
    private final String restore;
    private final String change;

    private ItBrokerSetting(String before, String restore, String change) {
        this.before = before;
        this.restore = restore;
        this.change = change;
    }

    /** Reads the {@code rabbit} application variable, e.g. {@code consumer_timeout}, {@code channel_tick_interval}. */
    static ItBrokerSetting rabbitEnv(String key) throws IOException, InterruptedException {
        String read = eval("application:get_env(rabbit, " + key + ").");
        // {ok,Value} or undefined: the value is put back as the term the broker printed
        String restore;
        if (read.equals("undefined")) {
            restore = "application:unset_env(rabbit, " + key + ").";
        } else if (read.startsWith("{ok,") && read.endsWith("}")) {
            restore = "application:set_env(rabbit, " + key + ", " + read.substring(4, read.length() - 1) + ").";
        } else {
            throw new IOException("cannot read rabbit's " + key + ": " + read);
        }
        return new ItBrokerSetting(read, restore, "application:set_env(rabbit, " + key + ", %s).");
    }

    /** Reads the memory high watermark: a fraction such as {@code 0.4}, or {@code {absolute,Bytes}}. */
    static ItBrokerSetting memoryHighWatermark() throws IOException, InterruptedException {
        String read = eval("vm_memory_monitor:get_vm_memory_high_watermark().");
        return new ItBrokerSetting(read, "vm_memory_monitor:set_vm_memory_high_watermark(" + read + ").",
                "vm_memory_monitor:set_vm_memory_high_watermark(%s).");
    }

    /** Changes the setting to the Erlang term, e.g. {@code 1000} or {@code 0.0000001}. */
    ItBrokerSetting set(String term) throws IOException, InterruptedException {
        eval(String.format(change, term));
        return this;
    }

    String before() {
        return before;
    }

    /** Puts back what was read; safe to call more than once. */
    @Override
    public void close() throws IOException, InterruptedException {
        eval(restore);
    }

    private static String eval(String expression) throws IOException, InterruptedException {
        return ItBroker.rabbitmqctl("eval", expression).trim();
    }
}
