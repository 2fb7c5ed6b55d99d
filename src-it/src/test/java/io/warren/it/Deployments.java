package io.warren.it;

import io.warren.it.app.BatchMdb;
import io.warren.it.app.CeleryMdb;
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
import io.warren.it.auth.AuthNames;
import io.warren.it.auth.OAuth2Mdb;
import io.warren.it.auth.TlsMdb;
import io.warren.it.database.DatabaseMdb;
import io.warren.it.rotation.RotationBean;
import io.warren.it.telemetry.TelemetryMdb;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds what the tests deploy: this build's warren.rar, and the test application as a WAR or inside an EAR. */
final class Deployments {

    static final String WAR = "warren-it";
    static final String EAR = "warren-it-app";
    static final String OUTBOUND_CONNECTION = "warren-it-outbound";
    static final int POOL = 8;
    private static final String TELEMETRY_CONNECTION = "warren-it-telemetry";

    private static final List<Class<?>> MDBS = List.of(EchoMdb.class, FailingMdb.class, RollbackMdb.class, SlowMdb.class,
            HoldingMdb.class, SinkMdb.class, CountedMdb.class, RetryingMdb.class, KombuMdb.class,
            PriceMdb.class, CeleryMdb.class, BatchMdb.class);

    private Deployments() {
    }

    /**
     * What most test classes deploy, for them to extend rather than repeat: this build's warren.rar
     * ("rar"), then the application as a WAR beside it ("app", {@link #standaloneWar()}), both
     * deployed by Arquillian before the class's tests and undeployed after them.
     */
    abstract static class StandaloneApp {

        @Deployment(name = "rar", order = 1, testable = false)
        static ResourceAdapterArchive rar() {
            return Deployments.rar();
        }

        @Deployment(name = "app", order = 2, testable = false)
        static WebArchive app() {
            return standaloneWar();
        }
    }

    /**
     * The same two archives for a class that deploys and undeploys them itself, with an injected
     * {@code Deployer}, to see what the adapter does across a deployment's life.
     */
    abstract static class StandaloneAppDeployedByTheTest {

        @Deployment(name = "rar", order = 1, managed = false, testable = false)
        static ResourceAdapterArchive rar() {
            return Deployments.rar();
        }

        @Deployment(name = "app", order = 2, managed = false, testable = false)
        static WebArchive app() {
            return standaloneWar();
        }
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
            war.addAsWebInfResource(new StringAsset(jbossEjb3Xml(MDBS, application)), "jboss-ejb3.xml");
            if (application == null) {
                war.addAsManifestResource(new StringAsset("Dependencies: deployment.warren.rar\n"), "MANIFEST.MF");
            }
        } else {
            // Liberty resolves a <connection-factory> of the application before it installs the adapter inside the
            // same EAR, and fails (CWNEN0011E, a NullPointerException of its metatype service): there the EAR's
            // factory is server.xml's, at warren/ConnectionFactory (src-it/liberty/src/test/liberty)
            if (server != Server.LIBERTY || application == null) {
                war.setWebXML(new StringAsset(webXml(server.connectionFactoryAdapter(application), OUTBOUND_CONNECTION)));
            }
            bindMdbs(war, server, MDBS, application);
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
            war.addAsWebInfResource(new StringAsset(jbossEjb3Xml(mdbs, null)), "jboss-ejb3.xml");
            war.addAsManifestResource(new StringAsset("Dependencies: deployment.warren.rar, com.h2database.h2\n"),
                    "MANIFEST.MF");
        } else {
            bindMdbs(war, server, mdbs, null);
        }
        return war;
    }

    /**
     * The authentication application ({@code io.warren.it.auth}) beside a standalone warren.rar: in
     * every server it defines two connection factories in its web.xml and gives its two MDBs their
     * broker settings in its ejb-jar.xml, all pointing at the test's node: one signs on by the client
     * certificate of a key store file (mutual TLS, SASL EXTERNAL), the other with OAuth 2 tokens from
     * the test's token endpoint. Nothing of the server's own configuration changes.
     */
    static WebArchive authWar(AuthNode auth) {
        Server server = Server.current();
        WebArchive war = ShrinkWrap.create(WebArchive.class, "warren-it-auth.war")
                .addPackage(AuthNames.class.getPackage())
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
        Map<String, String> tls = tlsSettings(auth);
        Map<String, String> oauth2 = oauth2Settings(auth);
        war.setWebXML(new StringAsset(webXml(server.connectionFactoryAdapter(null), Map.of(
                AuthNames.TLS_FACTORY, with(tls, "connectionName", AuthNames.TLS_CONNECTION),
                AuthNames.OAUTH2_FACTORY, with(oauth2, "connectionName", AuthNames.OAUTH2_CONNECTION)))));
        war.addAsWebInfResource(new StringAsset(ejbJarXml(Map.of(
                TlsMdb.class.getSimpleName(), with(tls, "connectionName", AuthNames.TLS_MDB_CONNECTION),
                OAuth2Mdb.class.getSimpleName(), with(oauth2, "connectionName", AuthNames.OAUTH2_MDB_CONNECTION)))),
                "ejb-jar.xml");
        List<Class<?>> mdbs = List.of(TlsMdb.class, OAuth2Mdb.class);
        if (server == Server.WILDFLY) {
            war.addAsWebInfResource(new StringAsset(jbossEjb3Xml(mdbs, null)), "jboss-ejb3.xml");
            war.addAsManifestResource(new StringAsset("Dependencies: deployment.warren.rar\n"), "MANIFEST.MF");
        } else {
            bindMdbs(war, server, mdbs, null);
        }
        return war;
    }

    /**
     * RotationTest's application beside a standalone warren.rar: it publishes through a connection factory the
     * server defines, by a resource reference with container sign-on (res-auth Container) to its JNDI name, and
     * defines none of its own. Payara lets it see the adapter's classes by that reference, and so checks it at
     * deployment: deploy it once the factory exists.
     */
    static WebArchive rotationWar(String factory) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, "warren-it-rotation.war")
                .addPackage(RotationBean.class.getPackage())
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .setWebXML(new StringAsset("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <resource-ref>
                            <res-ref-name>%s</res-ref-name>
                            <res-type>io.warren.ConnectionFactory</res-type>
                            <res-auth>Container</res-auth>
                            <lookup-name>%s</lookup-name>
                          </resource-ref>
                        </web-app>
                        """.formatted(RotationBean.FACTORY, factory)));
        if (Server.current() == Server.WILDFLY) {
            war.addAsManifestResource(new StringAsset("Dependencies: deployment.warren.rar\n"), "MANIFEST.MF");
        }
        return war;
    }

    /**
     * TelemetryTest's application beside a standalone warren.rar, with warren-cdi: an EJB that publishes, an
     * MDB, and (for Payara, whose MicroProfile Telemetry each application enables for itself) the OpenTelemetry
     * set-up exporting to the test's {@link OtlpReceiver}; WildFly's is the server's (src/test/cli).
     */
    static WebArchive telemetryWar() {
        Server server = Server.current();
        WebArchive war = ShrinkWrap.create(WebArchive.class, "warren-it-telemetry.war")
                .addPackage(TelemetryMdb.class.getPackage())
                .addAsLibrary(ShrinkWrap.createFromZipFile(JavaArchive.class, new File(System.getProperty("warren.cdi.jar"))))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsResource(new StringAsset(String.join("\n",
                        "otel.sdk.disabled=false",
                        "otel.service.name=warren-it-telemetry",
                        "otel.traces.exporter=otlp",
                        "otel.metrics.exporter=otlp",
                        "otel.logs.exporter=none",
                        "otel.exporter.otlp.endpoint=http://127.0.0.1:" + OtlpReceiver.PORT,
                        "otel.exporter.otlp.protocol=http/protobuf",
                        "otel.metric.export.interval=1000",
                        "otel.bsp.schedule.delay=200", "")), "META-INF/microprofile-config.properties");
        List<Class<?>> mdbs = List.of(TelemetryMdb.class);
        if (server == Server.WILDFLY) {
            war.addAsWebInfResource(new StringAsset(jbossEjb3Xml(mdbs, null)), "jboss-ejb3.xml");
            war.addAsManifestResource(new StringAsset("Dependencies: deployment.warren.rar\n"), "MANIFEST.MF");
        } else {
            war.setWebXML(new StringAsset(webXml(server.connectionFactoryAdapter(null), TELEMETRY_CONNECTION)));
            bindMdbs(war, server, mdbs, null);
        }
        return war;
    }

    /** @return the connectionName of the factory TelemetryTest's application publishes with */
    static String telemetryConnection() {
        return Server.current() == Server.WILDFLY ? OUTBOUND_CONNECTION : TELEMETRY_CONNECTION;
    }

    /** The client certificate alone says who Warren is: no user, no password; the host is the one the node's certificate names. */
    private static Map<String, String> tlsSettings(AuthNode auth) {
        return Map.of("host", "localhost",
                "port", String.valueOf(auth.node().tlsPort()),
                "tls", "true",
                "trustStore", auth.node().trustStore().toString(),
                "trustStorePassword", auth.node().trustStorePassword(),
                "keyStore", auth.certificate().toString(),
                "keyStorePassword", auth.node().trustStorePassword(),
                "saslMechanism", "EXTERNAL");
    }

    private static Map<String, String> oauth2Settings(AuthNode auth) {
        return Map.of("host", "127.0.0.1",
                "port", String.valueOf(auth.node().port()),
                "oauth2TokenEndpoint", auth.tokens().url(),
                "oauth2ClientId", AuthNode.CLIENT_ID,
                "oauth2ClientSecret", auth.clientSecret());
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        Map<String, String> more = new TreeMap<>(settings);
        more.put(key, value);
        return more;
    }

    /** @param mdbs each MDB's name and the activation properties the descriptor adds to its annotation's */
    private static String ejbJarXml(Map<String, Map<String, String>> mdbs) {
        StringBuilder beans = new StringBuilder();
        new TreeMap<>(mdbs).forEach((name, properties) -> beans.append("""
                    <message-driven>
                      <ejb-name>%s</ejb-name>
                      <activation-config>
                %s      </activation-config>
                    </message-driven>
                """.formatted(name, xmlProperties(properties, "activation-config-property",
                "activation-config-property-name", "activation-config-property-value").indent(4))));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <ejb-jar xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0">
                  <enterprise-beans>
                %s  </enterprise-beans>
                </ejb-jar>
                """.formatted(beans);
    }

    private static String webXml(String resourceAdapter, String connectionName) {
        return webXml(resourceAdapter, Map.of("java:app/warren/ConnectionFactory",
                Map.of("connectionName", connectionName, "host", "127.0.0.1")));
    }

    /** @param factories each factory's JNDI name and its properties */
    private static String webXml(String resourceAdapter, Map<String, Map<String, String>> factories) {
        StringBuilder definitions = new StringBuilder();
        new TreeMap<>(factories).forEach((name, properties) -> definitions.append("""
                  <connection-factory>
                    <name>%s</name>
                    <interface-name>io.warren.ConnectionFactory</interface-name>
                    <resource-adapter>%s</resource-adapter>
                    <max-pool-size>%d</max-pool-size>
                    <min-pool-size>0</min-pool-size>
                    <transaction-support>LocalTransaction</transaction-support>
                %s  </connection-factory>
                """.formatted(name, resourceAdapter, POOL, xmlProperties(properties, "property", "name", "value"))));
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s</web-app>
                """.formatted(definitions);
    }

    private static String xmlProperties(Map<String, String> properties, String element, String name, String value) {
        StringBuilder xml = new StringBuilder();
        new TreeMap<>(properties).forEach((key, text) -> xml.append("""
                    <%s><%s>%s</%s><%s>%s</%s></%s>
                """.formatted(element, name, key, name, value, text, value, element)));
        return xml.toString();
    }

    /** @return WildFly's jboss-ejb3.xml binding each of the MDBs to the adapter (deployed alone when application is null) */
    static String jbossEjb3Xml(List<Class<?>> mdbs, String application) {
        StringBuilder bindings = new StringBuilder();
        for (Class<?> mdb : mdbs) {
            String adapter = Server.WILDFLY.mdbBinding(application, mdb);
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

    /** Binds the MDBs to the adapter outside WildFly: in glassfish-ejb-jar.xml, in Liberty in ibm-ejb-jar-bnd.xml. */
    private static void bindMdbs(WebArchive war, Server server, List<Class<?>> mdbs, String application) {
        if (server == Server.LIBERTY) {
            war.addAsWebInfResource(new StringAsset(libertyEjbJarBndXml(mdbs, application)), "ibm-ejb-jar-bnd.xml");
        } else {
            war.addAsWebInfResource(new StringAsset(glassfishEjbJarXml(mdbs, server.mdbBinding(application, null))),
                    "glassfish-ejb-jar.xml");
        }
    }

    private static String libertyEjbJarBndXml(List<Class<?>> mdbs, String application) {
        StringBuilder beans = new StringBuilder();
        for (Class<?> mdb : mdbs) {
            beans.append("""
                      <message-driven name="%s">
                        <jca-adapter activation-spec-binding-name="%s"/>
                      </message-driven>
                    """.formatted(mdb.getSimpleName(), Server.LIBERTY.mdbBinding(application, mdb)));
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <ejb-jar-bnd xmlns="http://websphere.ibm.com/xml/ns/javaee"
                             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                             xsi:schemaLocation="http://websphere.ibm.com/xml/ns/javaee http://websphere.ibm.com/xml/ns/javaee/ibm-ejb-jar-bnd_1_2.xsd"
                             version="1.2">
                %s</ejb-jar-bnd>
                """.formatted(beans);
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
