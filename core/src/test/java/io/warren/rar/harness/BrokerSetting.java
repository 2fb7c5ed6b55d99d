package io.warren.rar.harness;

/**
 * A broker-wide setting a test changes, read before the change: {@link #close()} puts back
 * exactly what was there (unsets an application variable that was unset), not what the test
 * thinks the default is. The broker is shared with other test runs and with whoever set it up.
 *
 * <pre>{@code
 * try (BrokerSetting timeout = BrokerSetting.rabbitEnv("consumer_timeout")) {
 *     timeout.set("1000");
 *     ...
 * }
 * }</pre>
 */
public final class BrokerSetting implements AutoCloseable {

    private final String name;
    private final String before;
    private final String restore;
    private final String change;

    private BrokerSetting(String name, String before, String restore, String change) {
        this.name = name;
        this.before = before;
        this.restore = restore;
        this.change = change;
    }

    /** Reads the {@code rabbit} application variable, e.g. {@code consumer_timeout}, {@code channel_tick_interval}. */
    public static BrokerSetting rabbitEnv(String key) {
        String read = eval("application:get_env(rabbit, " + key + ").");
        // {ok,Value} or undefined: the value is put back as the term the broker printed
        String restore = read.equals("undefined") ? "application:unset_env(rabbit, " + key + ")."
                : "application:set_env(rabbit, " + key + ", " + okValue(read, key) + ").";
        return new BrokerSetting(key, read, restore, "application:set_env(rabbit, " + key + ", %s).");
    }

    /** Reads the memory high watermark: a fraction such as {@code 0.4}, or {@code {absolute,Bytes}}. */
    public static BrokerSetting memoryHighWatermark() {
        String read = eval("vm_memory_monitor:get_vm_memory_high_watermark().");
        return new BrokerSetting("vm_memory_high_watermark", read,
                "vm_memory_monitor:set_vm_memory_high_watermark(" + read + ").",
                "vm_memory_monitor:set_vm_memory_high_watermark(%s).");
    }

    /** Changes the setting to the Erlang term, e.g. {@code 1000} or {@code 0.0000001}. */
    public BrokerSetting set(String term) {
        eval(String.format(change, term));
        return this;
    }

    /** @return the setting as it was read, as the broker printed it */
    public String before() {
        return before;
    }

    /** Puts back what was read; safe to call more than once. */
    @Override
    public void close() {
        eval(restore);
    }

    @Override
    public String toString() {
        return name + " (was " + before + ")";
    }

    private static String okValue(String read, String key) {
        if (!read.startsWith("{ok,") || !read.endsWith("}")) {
            throw new IllegalStateException("cannot read rabbit's " + key + ": " + read);
        }
        return read.substring(4, read.length() - 1);
    }

    private static String eval(String expression) {
        return Broker.rabbitmqctl("eval", expression).trim();
    }
}
