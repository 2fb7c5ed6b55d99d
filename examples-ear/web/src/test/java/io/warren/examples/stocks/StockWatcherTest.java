package io.warren.examples.stocks;

import io.warren.Message;
import io.warren.Producer;
import io.warren.test.Mdb;
import io.warren.test.WarrenTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The topic example: only keys matching {@code *.stock.#} reach the watcher; the broker drops the rest. */
class StockWatcherTest {

    private WarrenTestKit kit;

    @BeforeEach
    void start() {
        kit = WarrenTestKit.inMemory(); // or WarrenTestKit.broker("amqp://guest:guest@127.0.0.1:5672")
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void theWatcherGetsTheQuotesWhoseKeyMatchesItsBinding() {
        Mdb<StockWatcher> watcher = kit.deploy(StockWatcher.class);
        StockService service = new StockService();
        service.stocks = kit.producer(Producer.to("stocks").serializer("text").build());

        service.publish(List.of("nyse.stock.ibm", "stock.ibm", "lse.stock", "nasdaq.stock.aapl.open", "nyse.bond.x"));

        watcher.awaitDeliveries(3);
        kit.awaitAcked("stock-watch");
        Set<String> keys = watcher.succeeded().stream().map(Message::routingKey).collect(Collectors.toSet());
        assertEquals(Set.of("nyse.stock.ibm", "lse.stock", "nasdaq.stock.aapl.open"), keys);
        assertEquals("quote for lse.stock", watcher.succeeded().stream()
                .filter(message -> message.routingKey().equals("lse.stock")).findFirst().orElseThrow()
                .payload(String.class));
    }
}
