package io.warren.cdi.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WarrenMetricsTest {

    @Test
    void metricNamesAreTheMBeanNamesInSnakeCase() {
        assertEquals("connection_factory", WarrenMetrics.snake("ConnectionFactory"));
        assertEquals("on_message_count", WarrenMetrics.snake("OnMessageCount"));
        assertEquals("acks", WarrenMetrics.snake("Acks"));
    }
}
