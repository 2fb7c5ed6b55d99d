package io.warren.examples.prices;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.Connection;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.test.Delivered;
import io.warren.test.Mdb;
import io.warren.test.WarrenTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The request-and-reply example as a unit test: the PriceQuoter MDB answers a request to the queue
 * its {@code replyTo} names, with the request's correlation id. The in-memory broker has no direct
 * reply-to, so the test asks with a reply queue of its own, as any AMQP client may.
 */
class PriceQuoterTest {

    private static final String REPLIES = "price-replies";

    private final ObjectMapper json = new ObjectMapper();
    private WarrenTestKit kit;

    @BeforeEach
    void start() {
        kit = WarrenTestKit.inMemory();
        try (Connection connection = kit.connectionFactory().getConnection()) {
            connection.declare(Queue.builder(REPLIES).build());
        }
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    private void ask(String product, String correlationId) {
        kit.producer(Producer.to("").routingKey(PriceQuoter.QUEUE).build())
                .publish(OutgoingMessage.of(product).replyTo(REPLIES).correlationId(correlationId).build());
    }

    @Test
    void theQuoterAnswersToTheReplyQueueWithTheRequestsCorrelationId() throws Exception {
        Mdb<PriceQuoter> quoter = kit.deploy(PriceQuoter.class);

        ask("tea", "q-1");

        kit.awaitCount(REPLIES, 1);
        List<Delivered> replies = kit.take(REPLIES);
        Delivered reply = replies.get(0);
        assertEquals("q-1", reply.properties().getCorrelationId());
        assertEquals(new Quote("tea", 3.5, null), json.readValue(reply.text(), Quote.class));
        assertEquals(1, quoter.succeeded().size());
        kit.awaitAcked(PriceQuoter.QUEUE);
    }

    @Test
    void anUnknownProductGetsAnErrorReplyAndTheRequestIsAcked() throws Exception {
        kit.deploy(PriceQuoter.class);

        ask("caviar", "q-2");

        kit.awaitCount(REPLIES, 1);
        Quote quote = json.readValue(kit.take(REPLIES).get(0).text(), Quote.class);
        assertEquals("unknown product caviar", quote.error());
        assertEquals(List.of(), kit.deadLetters(PriceQuoter.QUEUE), "answered, not dead-lettered");
        kit.awaitAcked(PriceQuoter.QUEUE);
    }
}
