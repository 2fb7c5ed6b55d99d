package io.warren.bench.wildfly.jms.mdb;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JMS reference contender's MDB and its count ({@code io.warren.bench.ArtemisMdb}). */
@ApplicationPath("jms")
public class MdbApplication extends Application {
}
