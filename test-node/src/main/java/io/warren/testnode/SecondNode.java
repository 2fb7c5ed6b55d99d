package io.warren.testnode;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A second RabbitMQ node on this machine, beside the main one: the same broker software, started
 * with {@code rabbitmq-server -detached} under its own node name, free ports and a temporary
 * directory, and stopped on close. Plain AMQP, and with {@link #withTls()} AMQP over TLS as well,
 * on a port of its own, with a certificate for {@code localhost} signed by a CA made for the test
 * (the JDK's keytool makes the certificates; the trust stores hold the CA).
 */
public final class SecondNode implements AutoCloseable {

    private static final String STORE_PASSWORD = "warren-test";
    private static final Duration STARTUP = Duration.ofSeconds(90);

    private final Path dir;
    private final boolean tls;
    private final String node;
    private final int port;
    private final int tlsPort;
    private final Path trustStore;
    private final Path jksTrustStore;
    private final Setup setup;
    private boolean started;

    /**
     * What a node of one test runs beyond the defaults: plugins, {@code rabbitmq.conf} settings that
     * replace the default of the same key (or add one), and an {@code advanced.config} (or null).
     */
    public record Setup(List<String> plugins, Map<String, String> config, String advancedConfig) {
        static final Setup DEFAULT = new Setup(List.of(), Map.of(), null);

        /**
         * Every way of signing on the tests try, on one node: client certificates asked for (not
         * required, so that a client without one still connects over TLS) and SASL EXTERNAL as the
         * certificate's CN ({@code rabbitmq_auth_mechanism_ssl}); OAuth 2 tokens signed with that key
         * ({@code rabbitmq_auth_backend_oauth2}, a {@link TokenServer}); then PLAIN and the internal
         * users, for guest (the node's own checker, plain clients) and the certificates' users.
         */
        public static Setup authentication(String signingKey) {
            return new Setup(List.of("rabbitmq_auth_mechanism_ssl", "rabbitmq_auth_backend_oauth2"), Map.of(
                    "ssl_options.verify", "verify_peer",
                    "ssl_cert_login_from", "common_name",
                    "auth_mechanisms.1", "EXTERNAL",
                    "auth_mechanisms.2", "PLAIN",
                    "auth_backends.1", "rabbit_auth_backend_oauth2",
                    "auth_backends.2", "rabbit_auth_backend_internal"),
                    TokenServer.brokerConfig(signingKey));
        }
    }

    private SecondNode(Path dir, boolean tls, String node, Setup setup) throws IOException {
        this.dir = dir;
        this.tls = tls;
        this.node = node;
        this.setup = setup;
        this.port = freePort();
        this.tlsPort = tls ? freePort() : 0;
        this.trustStore = dir.resolve("trust.p12");
        this.jksTrustStore = dir.resolve("trust.jks");
    }

    /** Starts a node that listens for plain AMQP and for AMQP over TLS; fails, naming the command, if it cannot. */
    public static SecondNode withTls() throws Exception {
        return start(true, "warren-tls-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost", Setup.DEFAULT);
    }

    /**
     * Starts a node of one test class, as {@link #withTls()} does, with that set-up; the class stops it.
     *
     * @param prefix the start of its node name and directory, e.g. {@code warren-auth}
     */
    public static SecondNode withTls(String prefix, Setup setup) throws Exception {
        return start(true, prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost", setup);
    }

    /** Starts a node for plain AMQP under that node name, e.g. {@code c1@localhost} (a cluster member). */
    public static SecondNode plain(String node) throws Exception {
        return start(false, node, Setup.DEFAULT);
    }

    private static SecondNode start(boolean tls, String node, Setup setup) throws Exception {
        String prefix = node.substring(0, node.indexOf('@')) + "-";
        SecondNode broker = new SecondNode(Files.createTempDirectory(tls ? prefix : "warren-second-"), tls, node, setup);
        try {
            if (tls) {
                broker.makeCertificates();
            }
            broker.startNode();
            return broker;
        } catch (Exception | Error e) {
            broker.close();
            throw e;
        }
    }

    /** @return the port of its plain AMQP listener */
    public int port() {
        return port;
    }

    /** @return the port of its AMQP over TLS listener, for a node started {@link #withTls()} */
    public int tlsPort() {
        if (!tls) {
            throw new IllegalStateException(node + " was started without TLS");
        }
        return tlsPort;
    }

    /** Stops the node's broker application, as a node going down does; {@link #startApp()} brings it back. */
    public void stopApp() throws Exception {
        run(List.of("rabbitmqctl", "-q", "-n", node, "stop_app"), Duration.ofSeconds(60));
    }

    public void startApp() throws Exception {
        run(List.of("rabbitmqctl", "-q", "-n", node, "start_app"), Duration.ofSeconds(60));
    }

    /**
     * Kills the node's Erlang VM (SIGKILL, by the pid in its pid file), as a crash does: the
     * operating system closes its sockets, nothing is said to clients. {@link #restart()} starts it
     * again with its data.
     */
    public void kill() throws Exception {
        String pid = Files.readString(dir.resolve("pid")).trim();
        run(List.of("kill", "-9", pid), Duration.ofSeconds(10));
        Await.until("the killed node's VM to end", Duration.ofSeconds(30), () -> !Files.exists(Path.of("/proc", pid)));
        Files.delete(dir.resolve("pid"));
    }

    /** Starts the node's VM again after {@link #kill()}, with the same name, port and data. */
    public void restart() throws Exception {
        startNode();
    }

    /** Deletes a queue a test left on this node (none if there is no such queue), over plain AMQP. */
    public void deleteQueue(String queue) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        factory.setAutomaticRecoveryEnabled(false);
        try (Connection connection = factory.newConnection("warren-tests (second node checker)");
             Channel channel = connection.createChannel()) {
            channel.queueDelete(queue);
        }
    }

    /** @return the Erlang node name, e.g. {@code c1@localhost} */
    public String node() {
        return node;
    }

    /** Runs {@code rabbitmqctl -n <this node>} with the arguments; @return its output */
    public String rabbitmqctl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q", "-n", node));
        command.addAll(List.of(arguments));
        return run(command, Duration.ofSeconds(60));
    }

    /** @return a PKCS12 trust store holding the test CA, password {@link #trustStorePassword()} */
    public Path trustStore() {
        return trustStore;
    }

    /** @return the same CA in a JKS trust store */
    public Path jksTrustStore() {
        return jksTrustStore;
    }

    public String trustStorePassword() {
        return STORE_PASSWORD;
    }

    /** @return the node's {@code rabbitmqctl list_connections} lines for these columns */
    public List<String> connections(String... columns) throws Exception {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q", "-n", node, "list_connections"));
        command.addAll(List.of(columns));
        return run(command, Duration.ofSeconds(30)).lines().filter(line -> !line.isBlank()).toList();
    }

    private void makeCertificates() throws Exception {
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=Warren test CA", "-ext", "bc:c", "-keystore", ca.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-keystore", server.toString());
        Path request = dir.resolve("server.csr");
        keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-file", request.toString());
        // the certificate names localhost only: connecting by 127.0.0.1 must fail host name verification
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", request.toString(),
                "-outfile", dir.resolve("server.pem").toString(), "-rfc", "-validity", "2",
                "-ext", "san=dns:localhost");
        keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", ca.toString(),
                "-file", dir.resolve("ca.pem").toString());

        KeyStore serverStore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(server)) {
            serverStore.load(in, STORE_PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) serverStore.getKey("server", STORE_PASSWORD.toCharArray());
        Files.writeString(dir.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");

        Certificate caCertificate;
        try (var in = Files.newInputStream(dir.resolve("ca.pem"))) {
            caCertificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        writeTrustStore("PKCS12", trustStore, caCertificate);
        writeTrustStore("JKS", jksTrustStore, caCertificate);
    }

    /**
     * Makes a PKCS12 key store (password {@link #trustStorePassword()}, alias {@code client}) with a
     * client certificate for that common name, signed by the node's CA, or by a CA of its own the node
     * does not know when {@code trusted} is false.
     */
    public Path clientCertificate(String commonName, boolean trusted) throws Exception {
        String name = "client-" + UUID.randomUUID().toString().substring(0, 8);
        Path store = dir.resolve(name + ".p12");
        Path ca = dir.resolve("ca.p12");
        if (!trusted) {
            ca = dir.resolve(name + "-ca.p12");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=Unknown CA", "-ext", "bc:c", "-keystore", ca.toString());
        }
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + commonName, "-keystore", store.toString());
        Path request = dir.resolve(name + ".csr");
        keytool("-certreq", "-alias", "client", "-keystore", store.toString(), "-file", request.toString());
        Path signed = dir.resolve(name + ".pem");
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", request.toString(),
                "-outfile", signed.toString(), "-rfc", "-validity", "2", "-ext", "eku=clientAuth");
        // the chain goes in above the key: the CA first, then the signed certificate replaces the self-signed one
        keytool("-importcert", "-alias", "ca", "-keystore", store.toString(), "-file", exportCa(ca, name).toString());
        keytool("-importcert", "-alias", "client", "-keystore", store.toString(), "-file", signed.toString());
        if ("root".equals(System.getProperty("user.name"))) {
            run(List.of("chown", "-R", "rabbitmq:rabbitmq", dir.toString()), Duration.ofSeconds(30));
        }
        return store;
    }

    private Path exportCa(Path ca, String name) throws Exception {
        Path pem = dir.resolve(name + "-ca.pem");
        keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", ca.toString(), "-file", pem.toString());
        return pem;
    }

    /** @return the file in the node's directory, for settings that name files (written by the test) */
    public Path file(String name) {
        return dir.resolve(name);
    }

    private static void writeTrustStore(String type, Path file, Certificate ca) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        store.setCertificateEntry("warren-test-ca", ca);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, STORE_PASSWORD.toCharArray());
        }
    }

    private void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD,
                "-noprompt"));
        run(command, Duration.ofSeconds(60));
    }

    private void startNode() throws Exception {
        int distributionPort = freePort();
        Files.createDirectories(dir.resolve("mnesia"));
        Files.createDirectories(dir.resolve("log"));
        Files.writeString(dir.resolve("enabled_plugins"), "[" + String.join(",", setup.plugins()) + "].\n");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("listeners.tcp.default", "127.0.0.1:" + port);
        if (tls) {
            config.put("listeners.ssl.default", "127.0.0.1:" + tlsPort);
            config.put("ssl_options.cacertfile", dir.resolve("ca.pem").toString());
            config.put("ssl_options.certfile", dir.resolve("server.pem").toString());
            config.put("ssl_options.keyfile", dir.resolve("server.key").toString());
            config.put("ssl_options.verify", "verify_none");
            config.put("ssl_options.fail_if_no_peer_cert", "false");
        }
        config.put("loopback_users", "none");
        config.putAll(setup.config());
        StringBuilder conf = new StringBuilder();
        config.forEach((key, value) -> conf.append(key).append(" = ").append(value).append('\n'));
        Files.writeString(dir.resolve("rabbitmq.conf"), conf);
        if (setup.advancedConfig() != null) {
            Files.writeString(dir.resolve("advanced.config"), setup.advancedConfig());
        }
        if ("root".equals(System.getProperty("user.name"))) {
            // the broker runs as the rabbitmq user, which must read the certificates and write its data
            run(List.of("chown", "-R", "rabbitmq:rabbitmq", dir.toString()), Duration.ofSeconds(30));
        }
        ProcessBuilder server = new ProcessBuilder("rabbitmq-server", "-detached");
        Map<String, String> environment = server.environment();
        environment.put("RABBITMQ_NODENAME", node);
        environment.put("RABBITMQ_NODE_PORT", String.valueOf(port));
        environment.put("RABBITMQ_DIST_PORT", String.valueOf(distributionPort));
        environment.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        environment.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        environment.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        environment.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        environment.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        if (setup.advancedConfig() != null) {
            environment.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
        }
        // the detached node may keep inherited pipes open: its start-up output goes to a file
        server.redirectErrorStream(true).redirectOutput(dir.resolve("rabbitmq-server.out").toFile());
        Process start = server.start();
        started = true;
        if (!start.waitFor(60, TimeUnit.SECONDS) || start.exitValue() != 0) {
            throw new IllegalStateException("rabbitmq-server -detached failed for " + node + ": "
                    + Files.readString(dir.resolve("rabbitmq-server.out")));
        }
        awaitStartup();
    }

    /** await_startup returns at once while the new node is not yet known to epmd: ask again until it answers. */
    private void awaitStartup() {
        StringBuilder last = new StringBuilder();
        Await.until("the node " + node + " to start (logs in " + dir.resolve("log") + ")", STARTUP, () -> {
            try {
                run(List.of("rabbitmqctl", "-q", "-n", node, "await_startup", "--timeout", "30"), Duration.ofSeconds(40));
                return true;
            } catch (Exception notYet) {
                last.setLength(0);
                last.append(notYet.getMessage());
                return false;
            }
        }, last::toString);
    }

    @Override
    public void close() throws Exception {
        try {
            if (started) {
                // with the pid file, stop returns once the node's Erlang VM has ended, not merely been told to
                run(Files.exists(dir.resolve("pid"))
                        ? List.of("rabbitmqctl", "-q", "-n", node, "stop", dir.resolve("pid").toString())
                        : List.of("rabbitmqctl", "-q", "-n", node, "stop"), Duration.ofSeconds(60));
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String run(List<String> command, Duration timeout) throws Exception {
        return run(new ProcessBuilder(command), timeout);
    }

    private static String run(ProcessBuilder builder, Duration timeout) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Timed out after " + timeout + ": " + builder.command());
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Exit " + process.exitValue() + " from " + builder.command() + ": " + output);
        }
        return output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
