package io.warren.bench.wildfly.jms.fill;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * Fills WildFly's Artemis queue for the JMS reference contender ({@code io.warren.bench.ArtemisMdb});
 * deployed alone, so that no MDB consumes while the queue fills.
 */
@ApplicationPath("jms")
public class FillApplication extends Application {
}
