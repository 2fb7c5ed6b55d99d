package io.warren.test.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The in-memory broker against the real RabbitMQ on 127.0.0.1:5672: random topologies and
 * messages from a fixed seed, and from one random seed (printed on failure, and settable with
 * {@code -Dwarren.differential.seed=N}), and consumer scenarios ({@link ConsumerScenario}) from a
 * fixed seed, each run on both; everything a client can observe must be the same. Where they
 * differ RabbitMQ is right.
 */
class DifferentialTest {

    private static final long FIXED_SEED = 17;
    private static final int FIXED_CASES = Integer.getInteger("warren.differential.cases", 1500);
    private static final int RANDOM_CASES = Integer.getInteger("warren.differential.randomCases", 500);
    private static final long CONSUMER_SEED = 24;
    private static final int CONSUMER_CASES = Integer.getInteger("warren.differential.consumerCases", 200);
    private static final long SETTLE_MILLIS = 2_000;
    private static final int WORKERS = 4;
    private static final int RPC_TIMEOUT_MILLIS = 15_000;
    /** Runs only that case of a seed, to look at one difference. */
    private static final int ONLY = Integer.getInteger("warren.differential.only", -1);

    private static InMemoryBroker memory;
    private static Connection inMemory;
    private static Connection rabbit;
    private final String run = UUID.randomUUID().toString().substring(0, 6);

    @BeforeAll
    static void connect() throws IOException, TimeoutException {
        memory = InMemoryBroker.start();
        ConnectionFactory memoryFactory = memory.connectionFactory();
        // an unanswered call fails its case in seconds rather than after the client's 10 minutes
        memoryFactory.setChannelRpcTimeout(RPC_TIMEOUT_MILLIS);
        inMemory = memoryFactory.newConnection("differential (in-memory)");
        rabbit = rabbitFactory().newConnection("warren-test differential");
    }

    @AfterAll
    static void disconnect() {
        try {
            if (rabbit != null && rabbit.isOpen()) {
                rabbit.abort();
            }
            if (inMemory != null && inMemory.isOpen()) {
                inMemory.abort();
            }
        } finally {
            memory.close();
        }
    }

    @Test
    void routesQueuesAndDeadLettersAsRabbitMqWithTheFixedSeed() throws Exception {
        compare(FIXED_SEED, FIXED_CASES);
    }

    @Test
    void routesQueuesAndDeadLettersAsRabbitMqWithARandomSeed() throws Exception {
        Long given = Long.getLong("warren.differential.seed");
        compare(given != null ? given : new Random().nextLong(), RANDOM_CASES);
    }

    @Test
    void consumesSettlesAndRequeuesAsRabbitMqWithTheFixedSeed() throws Exception {
        Long given = Long.getLong("warren.differential.consumerSeed");
        compareConsumers(given != null ? given : CONSUMER_SEED, CONSUMER_CASES);
    }

    private void compare(long seed, int cases) throws Exception {
        Random random = new Random(seed);
        long started = System.nanoTime();
        // each case waits mostly on round trips: a few run at once, each on its own channels
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        List<Future<String>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < cases; i++) {
                Scenario scenario = new Scenario("wtd-" + run + "-" + seed + "-" + i + "-", random);
                if (ONLY < 0 || i == ONLY) {
                    int number = i;
                    outcomes.add(workers.submit(() -> difference(number, scenario)));
                }
            }
            List<String> differences = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                String difference = outcome.get(5, TimeUnit.MINUTES);
                if (difference != null && differences.size() < 5) {
                    differences.add(difference);
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("differential seed %d: %d cases in %d ms%n", seed, outcomes.size(), millis);
            if (!differences.isEmpty()) {
                fail("The in-memory broker differs from RabbitMQ with seed " + seed
                        + " (rerun with -Dwarren.differential.seed=" + seed + "):\n" + String.join("\n", differences));
            }
        } finally {
            workers.shutdownNow();
        }
    }

    private void compareConsumers(long seed, int cases) throws Exception {
        Random random = new Random(seed);
        long started = System.nanoTime();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        List<Future<String>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < cases; i++) {
                ConsumerScenario scenario = new ConsumerScenario("wtdc-" + run + "-" + seed + "-" + i + "-", random);
                if (ONLY < 0 || i == ONLY) {
                    int number = i;
                    outcomes.add(workers.submit(() -> consumerDifference(number, scenario)));
                }
            }
            List<String> differences = new ArrayList<>();
            List<String> firsts = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                String difference = outcome.get(5, TimeUnit.MINUTES);
                if (difference != null) {
                    firsts.add(difference.substring(0, difference.indexOf('\n')));
                    if (differences.size() < 3) {
                        differences.add(difference);
                    }
                }
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("differential consumers seed %d: %d cases in %d ms%n", seed, outcomes.size(), millis);
            if (!differences.isEmpty()) {
                fail("The in-memory broker's consumers differ from RabbitMQ's in " + firsts.size() + " of "
                        + outcomes.size() + " cases of seed " + seed + " (one case: -Dwarren.differential.consumerSeed="
                        + seed + " -Dwarren.differential.only=N):\n" + String.join("\n", firsts) + "\n\n"
                        + String.join("\n", differences));
            }
        } finally {
            workers.shutdownNow();
        }
    }

    private static String consumerDifference(int number, ConsumerScenario scenario) throws Exception {
        ConsumerScenarioRunner.Result expected;
        ConsumerScenarioRunner.Result actual;
        try {
            ConnectionFactory memoryFactory = memory.connectionFactory();
            memoryFactory.setChannelRpcTimeout(RPC_TIMEOUT_MILLIS);
            actual = ConsumerScenarioRunner.run(memoryFactory, scenario, null);
            expected = ConsumerScenarioRunner.run(rabbitFactory(), scenario, actual.steps());
        } finally {
            cleanUp(inMemory, scenario);
            cleanUp(rabbit, scenario);
        }
        if (expected.observed().equals(actual.observed())) {
            return null;
        }
        int at = 0;
        while (at < expected.observed().size() && at < actual.observed().size()
                && expected.observed().get(at).equals(actual.observed().get(at))) {
            at++;
        }
        return "case " + number + " (queues " + scenario.arguments + "), first difference at line " + at + ": "
                + line(expected.observed(), at) + " (RabbitMQ) / " + line(actual.observed(), at) + " (in-memory)"
                + "\n  RabbitMQ:  " + expected.observed() + "\n  in-memory: " + actual.observed();
    }

    private static String line(List<String> observed, int at) {
        return at < observed.size() ? "'" + observed.get(at) + "'" : "nothing";
    }

    private static ConnectionFactory rabbitFactory() {
        ConnectionFactory real = new ConnectionFactory();
        real.setHost("127.0.0.1");
        real.setAutomaticRecoveryEnabled(false);
        real.setChannelRpcTimeout(RPC_TIMEOUT_MILLIS);
        return real;
    }

    private static void cleanUp(Connection connection, ConsumerScenario scenario) throws IOException, TimeoutException {
        try (Channel channel = connection.createChannel()) {
            for (String queue : scenario.queues) {
                channel.queueDelete(queue);
            }
            channel.queueDelete(scenario.dlq());
        }
    }

    /** @return how the two brokers differ on the case, or null when they agree */
    private static String difference(int number, Scenario scenario) throws Exception {
        ScenarioRunner.Result expected;
        ScenarioRunner.Result actual;
        try {
            actual = ScenarioRunner.run(inMemory, scenario, (connection, queues) -> { });
            expected = ScenarioRunner.run(rabbit, scenario, settleTo(actual.counts()));
        } finally {
            cleanUp(inMemory, scenario);
            cleanUp(rabbit, scenario);
        }
        return expected.equals(actual) ? null
                : "case " + number + " " + scenario.ops + "\n  RabbitMQ:  " + expected + "\n  in-memory: " + actual;
    }

    /** RabbitMQ dead-letters asynchronously: wait, bounded, until its queues hold what the in-memory broker's do. */
    private static ScenarioRunner.Settler settleTo(Map<String, Integer> counts) {
        return (connection, queues) -> {
            long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
            while (System.currentTimeMillis() < deadline) {
                boolean settled = true;
                for (String queue : queues) {
                    settled &= ScenarioRunner.count(connection, queue) == counts.get(queue);
                }
                if (settled) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        };
    }

    private static void cleanUp(Connection connection, Scenario scenario) throws IOException, TimeoutException {
        try (Channel channel = connection.createChannel()) {
            for (String queue : scenario.queues) {
                channel.queueDelete(queue);
            }
            channel.queueDelete(scenario.dlq());
            for (String exchange : scenario.exchanges) {
                channel.exchangeDelete(exchange);
            }
            channel.exchangeDelete(scenario.dlx());
        }
    }
}
