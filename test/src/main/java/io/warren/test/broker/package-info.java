/**
 * An AMQP 0-9-1 broker in the test's JVM that routes, queues and dead-letters as RabbitMQ 3.10
 * does, checked against it by a differential test; {@link io.warren.test.broker.InMemoryBroker}
 * is its entry point. What it does not model is listed in {@code docs/testing.md}.
 */
package io.warren.test.broker;
