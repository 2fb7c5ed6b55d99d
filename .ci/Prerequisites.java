import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the tests need from the machine, checked in about a second at the start of {@code mvn verify}
 * (the root pom runs it with {@code java .ci/Prerequisites.java}) rather than found by a test minutes
 * into the build: RabbitMQ answering on 127.0.0.1:5672, {@code rabbitmqctl} on the PATH, a Python
 * that imports kombu, msgpack, brotli, zstandard and celery, and the Java 25 that WildFly 39, GlassFish 8 and their
 * tests run on (src-it/wildfly39, src-it/glassfish8). Names each thing missing with the command that provides it, and exits 1.
 * Reads nothing from the network but the local port, so it runs offline.
 */
public final class Prerequisites {

    /** Each Python module the kombu and Celery peers import, with the Debian package that provides it. */
    private static final String[][] PYTHON_MODULES = {
        {"kombu", "python3-kombu"}, {"msgpack", "python3-msgpack"}, {"brotli", "python3-brotli"},
        {"zstandard", "python3-zstandard"}, {"celery", "python3-celery"}};

    private Prerequisites() {
    }

    public static void main(String[] args) throws Exception {
        String python = System.getProperty("warren.kombu.python", "/usr/bin/python3");
        String java25 = System.getProperty("warren.java25.home", "/usr/lib/jvm/temurin-25-jdk-amd64");
        List<String> missing = new ArrayList<>();
        if (!answers("127.0.0.1", 5672)) {
            missing.add("RabbitMQ does not answer on 127.0.0.1:5672 (guest/guest): start it with"
                    + " 'rabbitmq-server -detached' as root, after 'apt-get install rabbitmq-server' if it is not installed");
        }
        if (!onPath("rabbitmqctl")) {
            missing.add("rabbitmqctl is not on the PATH (the tests stop, restart and inspect the broker with it):"
                    + " 'apt-get install rabbitmq-server'; Debian puts it in /usr/sbin, which must be on the PATH");
        }
        // the interop tests run a kombu peer; without msgpack, brotli or zstandard kombu lacks those formats
        for (String[] module : PYTHON_MODULES) {
            if (!imports(python, module[0])) {
                missing.add(python + " cannot import " + module[0] + " (the kombu and Celery interop tests need it):"
                        + " 'apt-get install " + module[1] + "'");
            }
        }
        if (!new File(java25, "bin/java").canExecute()) {
            missing.add("no Java 25 at " + java25 + " (src-it/wildfly39 and src-it/glassfish8 run their servers and tests on it):"
                    + " install a JDK 25 there, or name yours with -Dwarren.java25.home=<its directory>");
        }
        if (missing.isEmpty()) {
            System.out.println("Prerequisites of the tests: RabbitMQ on 127.0.0.1:5672, rabbitmqctl, " + python
                    + " with kombu, msgpack, brotli, zstandard and celery, Java 25 at " + java25 + ": all there");
            return;
        }
        System.err.println("The tests need what this machine lacks:");
        missing.forEach(line -> System.err.println("  - " + line));
        System.err.println("(-Dwarren.prerequisites.skip=true skips this check; the tests that need these then fail)");
        System.exit(1);
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 3_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && new File(dir, command).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static boolean imports(String python, String module) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(python, "-c", "import " + module)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException noSuchPython) {
            return false;
        }
    }
}
