package io.warren.rar.harness;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what one logger logs, from FINE up, until closed; closing puts the logger's level back.
 * Held in a field for the test's length: java.util.logging keeps loggers weakly.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level before;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** @param name the logger's name, usually a class's */
    public LogCapture(String name) {
        logger = Logger.getLogger(name);
        before = logger.getLevel();
        logger.setLevel(Level.FINE);
        logger.addHandler(handler);
    }

    /** @return what was logged so far, oldest first */
    public List<LogRecord> records() {
        return records;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(before);
    }
}
