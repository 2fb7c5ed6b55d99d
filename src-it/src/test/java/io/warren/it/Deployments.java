package io.warren.it;

import io.warren.it.app.BatchMdb;
import io.warren.it.app.CountedMdb;
import io.warren.it.app.EchoMdb;
import io.warren.it.app.FailingMdb;
import io.warren.it.app.HoldingMdb;
import io.warren.it.app.KombuMdb;
import io.warren.it.app.PriceMdb;
import io.warren.it.app.SinkMdb;
import io.warren.it.app.ItApplication;
import io.warren.it.app.RetryingMdb;
import io.warren.it.app.RollbackMdb;
import io.warren.it.app.SlowMdb;
import io.warren.it.database.DatabaseMdb;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.util.List;

/** Builds what the tests deploy: this build's warren.rar, and the test application as a WAR or inside an EAR. */
final class Deployments {

    static final String WAR = "warren-it";
    static final String EAR = "warren-it-app";
    static final String OUTBOUND_CONNECTION = "warren-it-outbound";
    static final int POOL = 8;

    private static final List<Class<?>> MDBS = List.of(EchoMdb.class, FailingMdb.class, RollbackMdb.class, SlowMdb.class,
            HoldingMdb.class, SinkMdb.class, CountedMdb.class, RetryingMdb.class, KombuMdb.class,
            PriceMdb.class, BatchMdb.class);

    private Deployments() {
    }

    static ResourceAdapterArchive rar() {
        return ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class,
                new File(System.getProperty("warren.rar")));
    }

    /** The application as a WAR next to a standalone warren.rar. */
    static WebArchive standaloneWar() {
        return war(null);
    }

    /**
     * The application with a connection factory of its own, defined in its web.xml, in every
     * server (in WildFly too, where {@link #standaloneWar()} uses the server's): its broker
     * connections carry the given name.
     */
    static WebArchive warWithOwnFactory(String connectionName) {
        WebArchive war = war(null);
        war.setWebXML(new StringAsset(webXml(Server.current().connectionFactoryAdapter(null), connectionName)));
        return war;
    }

    /** The application as an EAR that holds warren.rar itself. */
    static EnterpriseArchive ear() {
        EnterpriseArchive ear = ShrinkWrap.create(EnterpriseArchive.class, EAR + ".ear")
                .addAsModule(rar())
                .addAsModule(war(EAR));
        ear.setApplicationXML(new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <application xmlns="https://jakarta.ee/xml/ns/jakartaee" version="10">
                  <application-name>%s</application-name>
                  <module><connector>warren.rar</connector></module>
                  <module><web><web-uri>%s.war</web-uri><context-root>%s</context-root></web></module>
                </application>
                """.formatted(EAR, WAR, WAR)));
        return ear;
    }

    private static WebArchive war(String application) {
        Server server = Server.current();
        WebArchive war = ShrinkWrap.create(WebArchive.class, WAR + ".war")
                .addPackage(ItApplication.class.getPackage())
                .addAsLibrary(ShrinkWrap.createFromZipFile(JavaArchive.class, new File(System.getProperty("warren.cdi.jar"))))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
        if (server == Server.WILDFLY) {
            // the connection factory is configured in the resource-adapters subsystem (src/test/cli)
            war.addAsWebInfResource(new StringAsset(jbossEjb3Xml(MDBS, server.mdbBinding(application))), "jboss-ejb3.xml");
            if (application == null) {
                war.addAsManifestResource(new StringAsset("Dependencies: deployment.warren.rar\n"), "MANIFEST.MF");
            }
        } else {
            war.setWebXML(new StringAsset(webXml(server.connectionFactoryAdapter(application), OUTBOUND_CONNECTION)));
            war.addAsWebInfResource(new StringAsset(glassfishEjbJarXml(MDBS, server.mdbBinding(application))),
                    "glassfish-ejb-jar.xml");
        }
        return war;
    }

    /**
     * An application beside a standalone warren.rar whose MDB writes to an XA database in its
     * delivery's transaction: the H2 each server ships, defined by the application's
     * {@code @DataSourceDefinition}. In WildFly the H2 module is made visible to it.
     */
    static WebArchive databaseWar() {
        Server server = Server.current();
        WebArchive war = ShrinkWrap.create(WebArchive.class, "warren-it-database.war")
                .addPackage(DatabaseMdb.class.getPackage());
        List<Class<?>> mdbs = List.of(DatabaseMdb.class);
        if (server == Server.WILDFLY) {
            war.addAsWebInfResource(new StringAsset(jbossEjb3Xml(mdbs, server.mdbBinding(null))), "jboss-ejb3.xml");
            war.addAsManifestResource(new StringAsset("Dependencies: deployment.warren.rar, com.h2database.h2\n"),
                    "MANIFEST.MF");
        } else {
            war.addAsWebInfResource(new StringAsset(glassfishEjbJarXml(mdbs, server.mdbBinding(null))),
                    "glassfish-ejb-jar.xml");
        }
        return war;
    }

    private static String webXml(String resourceAdapter, String connectionName) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <connection-factory>
                    <name>java:app/warren/ConnectionFactory</name>
                    <interface-name>io.warren.ConnectionFactory</interface-name>
                    <resource-adapter>%s</resource-adapter>
                    <max-pool-size>%d</max-pool-size>
                    <min-pool-size>0</min-pool-size>
                    <transaction-support>LocalTransaction</transaction-support>
                    <property><name>connectionName</name><value>%s</value></property>
                    <property><name>host</name><value>127.0.0.1</value></property>
                  </connection-factory>
                </web-app>
                """.formatted(resourceAdapter, POOL, connectionName);
    }

    private static String jbossEjb3Xml(List<Class<?>> mdbs, String adapter) {
        StringBuilder bindings = new StringBuilder();
        for (Class<?> mdb : mdbs) {
            bindings.append("""
                        <mdb:resource-adapter-binding>
                          <ejb-name>%s</ejb-name>
                          <mdb:resource-adapter-name>%s</mdb:resource-adapter-name>
                        </mdb:resource-adapter-binding>
                    """.formatted(mdb.getSimpleName(), adapter));
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <jboss:ejb-jar xmlns:jboss="urn:jboss:jakartaee:1.0" xmlns="https://jakarta.ee/xml/ns/jakartaee"
                               xmlns:mdb="urn:resource-adapter-binding" version="4.0" impl-version="2.0">
                  <assembly-descriptor>
                %s  </assembly-descriptor>
                </jboss:ejb-jar>
                """.formatted(bindings);
    }

    private static String glassfishEjbJarXml(List<Class<?>> mdbs, String adapter) {
        StringBuilder beans = new StringBuilder();
        for (Class<?> mdb : mdbs) {
            beans.append("""
                        <ejb>
                          <ejb-name>%s</ejb-name>
                          <mdb-resource-adapter><resource-adapter-mid>%s</resource-adapter-mid></mdb-resource-adapter>
                        </ejb>
                    """.formatted(mdb.getSimpleName(), adapter));
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE glassfish-ejb-jar PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 EJB 3.1//EN" "http://glassfish.org/dtds/glassfish-ejb-jar_3_1-1.dtd">
                <glassfish-ejb-jar>
                  <enterprise-beans>
                %s  </enterprise-beans>
                </glassfish-ejb-jar>
                """.formatted(beans);
    }
}
