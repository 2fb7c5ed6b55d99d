package io.warren.it.liberty;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.container.LifecycleException;
import org.jboss.arquillian.container.spi.client.protocol.ProtocolDescription;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.Node;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts an Open Liberty server with {@code bin/server start} and deploys through its configuration: each
 * archive goes to the server's apps/ and gets a file of configDropins/overrides, {@code <resourceAdapter>} for
 * a RAR, {@code <application>} otherwise. Liberty shows a standalone RAR's classes to an application only if
 * its {@code <classloader>} has a classProviderRef to the adapter, which an application dropped into dropins
 * (as OpenLiberty's own Arquillian adapter deploys) cannot have. Whether a deployment started or failed is
 * read in messages.log, from where the log ended when the change was made.
 */
public final class LibertyContainer implements DeployableContainer<LibertyConfiguration> {

    private static final Pattern APPLICATION_ERROR = Pattern.compile("CWWKZ\\d{4}E");
    private static final Pattern ADAPTER_ERROR = Pattern.compile("J2CA7\\d{3}E");
    private static final Pattern CONTEXT_ROOT = Pattern.compile(
            "<web-uri>([^<]+)</web-uri>\\s*<context-root>([^<]+)</context-root>");

    private LibertyConfiguration configuration;
    /** the standalone resource adapters deployed, which applications deployed later may use */
    private final Set<String> adapters = new TreeSet<>();

    @Override
    public Class<LibertyConfiguration> getConfigurationClass() {
        return LibertyConfiguration.class;
    }

    @Override
    public void setup(LibertyConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public ProtocolDescription getDefaultProtocol() {
        // every deployment of the tests is testable = false: nothing is packaged for a protocol
        return new ProtocolDescription("Local");
    }

    @Override
    public void start() throws LifecycleException {
        try {
            // what an interrupted run left deployed would start with the server
            deleteChildren(overrides());
            deleteChildren(apps());
        } catch (IOException e) {
            throw new LifecycleException("cannot clear the deployments of " + configuration.server(), e);
        }
        Duration timeout = Duration.ofSeconds(configuration.getStartTimeoutSeconds());
        // a server an interrupted run left running would refuse to start again
        server("stop", timeout);
        try {
            // Liberty renames an old messages.log when it starts: only a new one is read from its start
            Files.deleteIfExists(log());
        } catch (IOException e) {
            throw new LifecycleException("cannot delete " + log(), e);
        }
        long from = 0;
        int exit = server("start", timeout);
        // bin/server start gives up waiting after its own timeout, shorter than a start on a loaded machine
        // may take: the server's "ready" line (CWWKF0011I) is what counts
        try {
            await(from, "server " + configuration.getServerName() + " ready (bin/server start exited with " + exit + ")",
                    line -> line.contains("CWWKF0011I"), line -> line.contains("CWWKE0005E") || line.contains("CWWKF0009W"));
        } catch (IOException | DeploymentException e) {
            throw new LifecycleException(e.getMessage(), e);
        }
    }

    @Override
    public void stop() throws LifecycleException {
        int exit = server("stop", Duration.ofSeconds(configuration.getStartTimeoutSeconds()));
        if (exit != 0) {
            throw new LifecycleException("bin/server stop " + configuration.getServerName() + " exited with " + exit);
        }
    }

    private int server(String command, Duration timeout) throws LifecycleException {
        // not inherited: the test JVM's stdout is surefire's channel, which a line of another process corrupts
        // (surefire then takes the JVM for crashed)
        ProcessBuilder builder = new ProcessBuilder(Path.of(configuration.getWlpHome(), "bin", "server").toString(),
                command, configuration.getServerName()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(configuration.server().resolve("server-command.log").toFile()));
        // the Java the tests run on
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LifecycleException("bin/server " + command + " did not finish in " + timeout);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new LifecycleException("cannot run bin/server " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifecycleException("interrupted while bin/server " + command + " ran", e);
        }
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        String file = archive.getName();
        String name = file.substring(0, file.lastIndexOf('.'));
        String type = file.substring(file.lastIndexOf('.') + 1);
        boolean adapter = type.equals("rar");
        try {
            Path location = apps().resolve(file);
            Path part = apps().resolve(file + ".part");
            archive.as(ZipExporter.class).exportTo(part.toFile(), true);
            Files.move(part, location, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            long from = logSize();
            writeConfig(name, adapter ? resourceAdapter(name, location) : application(name, type, location, archive));
            try {
                if (adapter) {
                    await(from, "resource adapter " + name + " installed",
                            line -> line.contains("J2CA7001I") && line.contains(" " + name + " "),
                            line -> ADAPTER_ERROR.matcher(line).find() && line.contains(name));
                    adapters.add(name);
                    return new ProtocolMetaData();
                }
                await(from, "application " + name + " started",
                        line -> line.contains("CWWKZ0001I") && line.contains(" " + name + " "),
                        line -> APPLICATION_ERROR.matcher(line).find() && line.contains(name));
            } catch (DeploymentException e) {
                // Arquillian does not undeploy what failed: left configured, the next deployment of the same
                // name would change nothing Liberty acts on
                Files.deleteIfExists(overrides().resolve(name + ".xml"));
                throw e;
            }
            HTTPContext http = new HTTPContext("127.0.0.1", configuration.getHttpPort());
            contextRoots(name, type, archive).forEach(root -> http.add(new Servlet("default", "/" + root)));
            return new ProtocolMetaData().addContext(http);
        } catch (IOException e) {
            throw new DeploymentException("cannot deploy " + file + " to " + configuration.server(), e);
        }
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        String file = archive.getName();
        String name = file.substring(0, file.lastIndexOf('.'));
        boolean adapter = file.endsWith(".rar");
        try {
            long from = logSize();
            Files.deleteIfExists(overrides().resolve(name + ".xml"));
            if (adapter) {
                adapters.remove(name);
                await(from, "resource adapter " + name + " uninstalled",
                        line -> line.contains("J2CA7009I") && line.contains(" " + name + " "), line -> false);
            } else {
                await(from, "application " + name + " stopped",
                        line -> line.contains("CWWKZ0009I") && line.contains(" " + name + " "), line -> false);
            }
            Files.deleteIfExists(apps().resolve(file));
        } catch (IOException e) {
            throw new DeploymentException("cannot undeploy " + file + " from " + configuration.server(), e);
        }
    }

    /** Third-party APIs visible, among them the OpenTelemetry API of Liberty's mpTelemetry, for Warren's tracing. */
    private static String resourceAdapter(String name, Path location) {
        return """
                <resourceAdapter id="%s" location="%s">
                    <classloader apiTypeVisibility="+third-party"/>
                  </resourceAdapter>""".formatted(name, location);
    }

    private String application(String name, String type, Path location, Archive<?> archive) {
        // the OpenTelemetry API (TelemetryTest's application) is a third-party API in Liberty
        StringBuilder classLoader = new StringBuilder(" apiTypeVisibility=\"+third-party\"");
        if (!adapters.isEmpty()) {
            classLoader.append(" classProviderRef=\"").append(String.join(",", adapters)).append('"');
        }
        if (configuration.getCommonLibraryRef() != null) {
            classLoader.append(" commonLibraryRef=\"").append(configuration.getCommonLibraryRef()).append('"');
        }
        String contextRoot = type.equals("war") ? " context-root=\"" + name + "\"" : "";
        return """
                <application id="%s" name="%s" type="%s" location="%s"%s>
                    <classloader%s/>
                  </application>""".formatted(name, name, type, location, contextRoot, classLoader);
    }

    /** @return the context roots of a WAR (its name) or of an EAR's web modules (from its application.xml) */
    private static List<String> contextRoots(String name, String type, Archive<?> archive) throws IOException {
        if (type.equals("war")) {
            return List.of(name);
        }
        Node descriptor = archive.get("META-INF/application.xml");
        List<String> roots = new ArrayList<>();
        if (descriptor != null && descriptor.getAsset() != null) {
            try (InputStream in = descriptor.getAsset().openStream()) {
                Matcher matcher = CONTEXT_ROOT.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (matcher.find()) {
                    roots.add(matcher.group(2).replaceFirst("^/", ""));
                }
            }
        }
        return roots;
    }

    private void writeConfig(String name, String element) throws IOException {
        Path file = overrides().resolve(name + ".xml");
        Path part = overrides().resolve(name + ".xml.part");
        Files.writeString(part, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<server>\n  " + element + "\n</server>\n");
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits, up to the deploy timeout, for a line of messages.log written after {@code from} that says done or failed. */
    private void await(long from, String what, Predicate<String> done, Predicate<String> failed)
            throws IOException, DeploymentException {
        long deadline = System.nanoTime() + Duration.ofSeconds(configuration.getDeployTimeoutSeconds()).toNanos();
        while (true) {
            List<String> lines = linesFrom(from);
            for (String line : lines) {
                if (failed.test(line)) {
                    throw new DeploymentException("Liberty did not get " + what + ": " + line + "\n" + String.join("\n", lines));
                }
                if (done.test(line)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new DeploymentException("no " + what + " in " + configuration.getDeployTimeoutSeconds()
                        + " s; messages.log since the change:\n" + String.join("\n", lines));
            }
            try {
                // polling a file: Liberty has no event this side of JMX to wait on
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeploymentException("interrupted while waiting for " + what, e);
            }
        }
    }

    private Path log() {
        return configuration.server().resolve("logs/messages.log");
    }

    private long logSize() throws IOException {
        return Files.exists(log()) ? Files.size(log()) : 0;
    }

    private List<String> linesFrom(long from) throws IOException {
        if (!Files.exists(log())) {
            return List.of();
        }
        try (RandomAccessFile file = new RandomAccessFile(log().toFile(), "r")) {
            long length = file.length();
            // shorter than when the change was made: a new file, read whole
            long start = length < from ? 0 : from;
            byte[] bytes = new byte[(int) (length - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        }
    }

    private Path apps() throws IOException {
        return Files.createDirectories(configuration.server().resolve("apps"));
    }

    private Path overrides() throws IOException {
        return Files.createDirectories(configuration.server().resolve("configDropins/overrides"));
    }

    private static void deleteChildren(Path directory) throws IOException {
        try (var children = Files.list(directory)) {
            for (Path child : children.toList()) {
                Files.deleteIfExists(child);
            }
        }
    }
}
