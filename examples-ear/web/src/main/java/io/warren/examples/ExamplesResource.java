package io.warren.examples;

import io.warren.examples.events.EventService;
import io.warren.examples.feed.FeedService;
import io.warren.examples.media.MediaFile;
import io.warren.examples.media.MediaService;
import io.warren.examples.poll.PollingService;
import io.warren.examples.celery.ReportService;
import io.warren.examples.prices.PriceService;
import io.warren.examples.prices.Quote;
import io.warren.examples.stocks.StockService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.Arrays;
import java.util.List;

/**
 * Triggers each example over HTTP, e.g. (port 8180 as run-wildfly.sh starts WildFly, 8280 as run-payara.sh starts Payara)
 * {@code curl -X POST 'http://127.0.0.1:8180/warren-examples/examples/feed?url=http://cnn.com/rss/edition.rss'};
 * each answers with one line saying what it did.
 */
@Path("")
@RequestScoped
@Produces(MediaType.TEXT_PLAIN)
public class ExamplesResource {

    @Inject
    FeedService feed;

    @Inject
    MediaService media;

    @Inject
    StockService stocks;

    @Inject
    PollingService polling;

    @Inject
    EventService events;

    @Inject
    PriceService prices;

    @Inject
    ReportService reports;

    @POST
    @Path("events")
    public String event(@QueryParam("text") @DefaultValue("user signed up") String text) {
        events.append(text);
        return "appended \"" + text + "\" to stream events\n";
    }

    @POST
    @Path("orders")
    public String order(@QueryParam("id") @DefaultValue("42") String id,
                        @QueryParam("fail") @DefaultValue("false") boolean fail) {
        events.order(id, fail);
        return "sent order " + id + " to quorum queue orders" + (fail ? " (it fails: retried after 1, 2, 4 s)" : "")
                + "\n";
    }

    @POST
    @Path("feed")
    public String feed(@QueryParam("url") @DefaultValue("http://cnn.com/rss/edition.rss") String url) {
        feed.importFeed(url);
        return "published {\"import_feed\": \"" + url + "\"} to exchange feed with key importer\n";
    }

    @POST
    @Path("media/video")
    public String video(@QueryParam("name") @DefaultValue("/tmp/lolcat1.avi") String name,
                        @QueryParam("size") @DefaultValue("1301013") long size) {
        media.publishVideo(new MediaFile(name, size));
        return "published " + name + " (" + size + " bytes) to exchange media with key video\n";
    }

    @POST
    @Path("media/image")
    public String image(@QueryParam("name") @DefaultValue("/tmp/lolcat1.jpg") String name,
                        @QueryParam("size") @DefaultValue("48213") long size) {
        media.publishImage(new MediaFile(name, size));
        return "published " + name + " (" + size + " bytes) to exchange media with key image\n";
    }

    @POST
    @Path("stocks")
    public String stocks(@QueryParam("keys") @DefaultValue("usd.stock,eur.stock.db,stock.nasdaq") String keys) {
        List<String> routingKeys = Arrays.stream(keys.split(",")).map(String::trim).filter(key -> !key.isEmpty()).toList();
        stocks.publish(routingKeys);
        return "published to topic exchange stocks with keys " + String.join(", ", routingKeys)
                + " (queue stock-watch is bound with *.stock.#)\n";
    }

    @POST
    @Path("poll/put")
    public String put(@QueryParam("text") @DefaultValue("hello from the poll example") String text) {
        polling.put(text);
        return "put \"" + text + "\" on queue poll\n";
    }

    @POST
    @Path("poll")
    public String poll() {
        return polling.fetch() + "\n";
    }

    @POST
    @Path("prices")
    public String price(@QueryParam("product") @DefaultValue("tea") String product) {
        Quote quote = prices.ask(product);
        return quote.error() != null ? "error reply from PriceQuoter: " + quote.error() + "\n"
                : "price of " + quote.product() + ": " + quote.price() + " (answered by PriceQuoter)\n";
    }

    /** Calls the Python Celery task reports.add and answers with its result. */
    @POST
    @Path("celery/add")
    public String celeryAdd(@QueryParam("x") @DefaultValue("2") long x, @QueryParam("y") @DefaultValue("3") long y) {
        return "reports.add(" + x + ", " + y + ") returned " + reports.add(x, y) + "\n";
    }
}
