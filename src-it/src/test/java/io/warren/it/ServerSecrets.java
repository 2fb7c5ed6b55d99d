package io.warren.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's own secret store, driven by its administration tool as a user would (docs/security.md,
 * "Passwords rotated without a redeploy"): WildFly's Elytron credential store through jboss-cli, Payara's
 * password aliases through asadmin. Each holds the secret of a connection factory the server defines,
 * which signs on as {@link #USER}.
 */
abstract class ServerSecrets {

    static final String USER = "warren-it-rotation";
    static final String CONNECTION = "warren-it-rotation";
    /** What the store holds before the test rotates it: no broker user has it. */
    static final String SECRET_AT_BOOT = "secret-at-boot";

    /** @return the current server's, or null where the test does not rotate */
    static ServerSecrets current() {
        return switch (Server.current()) {
            case WILDFLY -> new WildFly();
            case PAYARA -> new Payara();
            default -> null;
        };
    }

    /** @return the JNDI name of the server's factory that signs on with the stored secret */
    abstract String factory();

    /** Defines what the server has not had since it started. */
    abstract void prepare() throws Exception;

    /** Puts the new secret in the store, as a user rotating it does. */
    abstract void store(String secret) throws Exception;

    /** Has the server's connection factories take the stored secret, as docs/security.md tells users to. */
    abstract void refresh() throws Exception;

    /** @return whether {@link #refresh} leaves the applications running (true), or restarts them in place */
    abstract boolean refreshKeepsApplicationsRunning();

    /** Undoes {@link #prepare}. */
    abstract void cleanUp() throws Exception;

    static String exec(List<String> command, String javaHome) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (javaHome != null && !javaHome.isBlank()) {
            builder.environment().put("JAVA_HOME", javaHome);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(command + " failed: " + output);
        }
        return output;
    }

    /** The Elytron credential store warren-it and the connection definition rotation, both set up by src/test/cli. */
    static final class WildFly extends ServerSecrets {
        private static final String STORE = "/subsystem=elytron/credential-store=warren-it";
        private static final String DEFINITION = "/subsystem=resource-adapters/resource-adapter=warren/connection-definitions=rotation";

        @Override
        String factory() {
            return "java:/warren/RotationFactory";
        }

        @Override
        void prepare() {
            // configured before the server started (src/test/cli/configure-warren.cli)
        }

        @Override
        void store(String secret) throws Exception {
            run(List.of(STORE + ":set-secret(alias=rotation, secret-value=" + secret + ")"));
        }

        /**
         * The authentication configuration reads the alias when its service starts, and every attribute of it and
         * of the connection definition needs a reload to take effect: WildFly's reload, which restarts the server's
         * services and the deployments in place (none is undeployed). The CLI's reload waits until the server is up.
         */
        @Override
        void refresh() throws Exception {
            run(List.of("reload"));
        }

        @Override
        boolean refreshKeepsApplicationsRunning() {
            return false;
        }

        private void run(List<String> commands) throws Exception {
            Path script = Files.createTempFile("warren-it-rotation", ".cli");
            try {
                Files.write(script, commands);
                String out = exec(List.of(System.getProperty("jboss.home") + "/bin/jboss-cli.sh", "--connect",
                        "--controller=127.0.0.1:9990", "--file=" + script), System.getProperty("it.server.java.home"));
                // the test's secrets are throwaway ones, but a log shows none
                System.out.println("jboss-cli " + commands.toString().replaceAll("secret-value=[^)]*", "secret-value=****")
                        + ": " + out);
            } finally {
                Files.delete(script);
            }
        }

        @Override
        void cleanUp() throws Exception {
            store(SECRET_AT_BOOT);
        }
    }

    /** A password alias, and a connector connection pool and resource whose password property refers to it. */
    static final class Payara extends ServerSecrets {
        private static final String ALIAS = "warren-it-rotation";
        private static final String POOL = "warren-it-rotation-pool";
        /**
         * Password and User as the adapter declares them: Payara merges a pool's properties into the declared ones by
         * exact name, and signs on (res-auth Container) with the declared PASSWORD's value; a pool property
         * "password" is left beside the declared, blank "Password", and Payara signed on with a blank password.
         */
        private static final String PASSWORD_PROPERTY = "resources.connector-connection-pool." + POOL + ".property.Password";

        @Override
        String factory() {
            return "warren/RotationFactory";
        }

        @Override
        void prepare() throws Exception {
            try {
                cleanUp(); // what an interrupted run left in the domain
            } catch (IOException nothingLeft) {
                // the usual case
            }
            withAlias("create-password-alias", SECRET_AT_BOOT);
            asadmin("create-connector-connection-pool", "--raname", "warren",
                    "--connectiondefinition", "io.warren.ConnectionFactory", "--transactionsupport", "LocalTransaction",
                    "--property", "User=" + USER + ":connectionName=" + CONNECTION + ":host=127.0.0.1", POOL);
            asadmin("set", PASSWORD_PROPERTY + "=${ALIAS=" + ALIAS + "}");
            asadmin("create-connector-resource", "--poolname", POOL, factory());
        }

        @Override
        void store(String secret) throws Exception {
            withAlias("update-password-alias", secret);
        }

        /**
         * The pool resolves the alias when it is created, and flush-connection-pool keeps it: setting the property
         * again, to the same alias, re-creates the pool, whose new connections sign on with the alias's new secret.
         */
        @Override
        void refresh() throws Exception {
            asadmin("set", PASSWORD_PROPERTY + "=${ALIAS=" + ALIAS + "}");
        }

        @Override
        boolean refreshKeepsApplicationsRunning() {
            return true;
        }

        @Override
        void cleanUp() throws Exception {
            List<Exception> failures = new ArrayList<>();
            for (String[] command : List.of(new String[] {"delete-connector-resource", factory()},
                    new String[] {"delete-connector-connection-pool", "--cascade", POOL},
                    new String[] {"delete-password-alias", ALIAS})) {
                try {
                    asadmin(command);
                } catch (IOException e) {
                    failures.add(e);
                }
            }
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
        }

        private void withAlias(String command, String secret) throws Exception {
            Path passwords = Files.createTempFile("warren-it-rotation", ".txt");
            try {
                Files.writeString(passwords, "AS_ADMIN_ALIASPASSWORD=" + secret + "\n");
                asadmin("--passwordfile", passwords.toString(), command, ALIAS);
            } finally {
                Files.delete(passwords);
            }
        }

        private static String asadmin(String... arguments) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(System.getProperty("payara.home") + "/bin/asadmin",
                    "--interactive=false"));
            command.addAll(List.of(arguments));
            String out = exec(command, null);
            System.out.println("asadmin " + List.of(arguments) + ": " + out);
            return out;
        }
    }
}
