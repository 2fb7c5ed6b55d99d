package io.warren.test.broker;

import java.util.Map;

/** A binding from an exchange to a queue or to another exchange. */
record Binding(String source, String destination, boolean toQueue, String key, Map<String, Object> args) {
}
