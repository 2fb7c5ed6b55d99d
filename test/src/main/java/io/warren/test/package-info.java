/**
 * Warren's test kit: {@link io.warren.test.WarrenTestKit} runs the resource adapter in a plain
 * unit test, deploys MDBs from their {@code @MessageDriven} annotation and shows what reached the
 * queues, on the in-memory broker or a real one. See {@code docs/testing.md}.
 */
package io.warren.test;
