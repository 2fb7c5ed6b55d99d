package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.ConnectionFactory;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.security.PasswordCredential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import javax.security.auth.Subject;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Container-managed sign-on: the container's credential replaces the configured user. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class SignOnTest {

    private final String user = "warren-signon-" + UUID.randomUUID().toString().substring(0, 6);
    private final String password = "s3cret-" + UUID.randomUUID();
    private final WarrenManagedConnectionFactory[] factory = new WarrenManagedConnectionFactory[1];
    private final Harness harness = new Harness(2, managed -> factory[0] = managed);

    SignOnTest() {
        Broker.rabbitmqctl("add_user", user, password);
        Broker.rabbitmqctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        Broker.rabbitmqctl("delete_user", user);
    }

    private Subject subject(ManagedConnectionFactory target, String secret) {
        PasswordCredential credential = new PasswordCredential(user, secret.toCharArray());
        credential.setManagedConnectionFactory(target);
        return new Subject(false, Set.of(), Set.of(), Set.of(credential));
    }

    @Test
    void theContainersCredentialIsUsedAndMatchedSeparately() throws ResourceException {
        WarrenManagedConnectionFactory managedFactory = factory[0];
        ManagedConnection signedOn = managedFactory.createManagedConnection(subject(managedFactory, password), null);
        ManagedConnection configured = managedFactory.createManagedConnection(null, null);
        try (Connection connection = (Connection) signedOn.getConnection(null, null)) {
            connection.checkExists(declareProbe(connection));
        }
        String connections = Broker.rabbitmqctl("list_connections", "user", "client_properties");
        assertTrue(connections.lines().anyMatch(line -> line.startsWith(user) && line.contains(harness.connectionName())),
                connections);
        assertEquals(signedOn, managedFactory.matchManagedConnections(Set.of(signedOn, configured),
                subject(managedFactory, password), null));
        assertEquals(configured, managedFactory.matchManagedConnections(Set.of(signedOn, configured), null, null));
        assertNull(managedFactory.matchManagedConnections(Set.of(configured),
                subject(managedFactory, password), null), "a channel of another user is never handed out");
        signedOn.destroy();
        configured.destroy();
    }

    private static String declareProbe(Connection connection) {
        return connection.declare(io.warren.Queue.serverNamed().build()).name();
    }

    @Test
    void aBlankContainerCredentialMeansTheConfiguredUser() throws ResourceException {
        WarrenManagedConnectionFactory managedFactory = factory[0];
        PasswordCredential blank = new PasswordCredential("", new char[0]);
        blank.setManagedConnectionFactory(managedFactory);
        Subject payaraWithoutSignOn = new Subject(false, Set.of(), Set.of(), Set.of(blank));
        ManagedConnection managed = managedFactory.createManagedConnection(payaraWithoutSignOn, null);
        try (Connection connection = (Connection) managed.getConnection(payaraWithoutSignOn, null)) {
            connection.checkExists(declareProbe(connection));
        }
        managed.destroy();
    }

    /** docs/security.md, "Passwords rotated without a redeploy": the credential is read for each connection, not at deploy. */
    @Test
    void aPasswordRotatedInTheContainerReachesTheNextConnectionWithoutARedeploy() throws ResourceException {
        WarrenManagedConnectionFactory managedFactory = factory[0];
        ManagedConnection before = managedFactory.createManagedConnection(subject(managedFactory, password), null);
        String rotated = "rotated-" + UUID.randomUUID();
        Broker.rabbitmqctl("change_password", user, rotated);
        // the server's secret store now hands out the new password; the factory is the same one
        ManagedConnection after = managedFactory.createManagedConnection(subject(managedFactory, rotated), null);
        try (Connection connection = (Connection) after.getConnection(null, null)) {
            connection.checkExists(declareProbe(connection));
        }
        // the broker checks a password at sign-on only: the connection opened before the change keeps working
        try (Connection connection = (Connection) before.getConnection(null, null)) {
            connection.checkExists(declareProbe(connection));
        }
        after.destroy();
        before.destroy();
    }

    /** A container may keep its Subject and rotate the password in the credential it holds: the next connection sees it. */
    @Test
    void aPasswordChangedInTheSameCredentialReachesTheNextConnection() throws ResourceException {
        WarrenManagedConnectionFactory managedFactory = factory[0];
        Subject kept = subject(managedFactory, password);
        ManagedConnection before = managedFactory.createManagedConnection(kept, null);
        String rotated = "rotated-" + UUID.randomUUID();
        Broker.rabbitmqctl("change_password", user, rotated);
        PasswordCredential held = kept.getPrivateCredentials(PasswordCredential.class).iterator().next();
        kept.getPrivateCredentials().remove(held);
        PasswordCredential renewed = new PasswordCredential(user, rotated.toCharArray());
        renewed.setManagedConnectionFactory(managedFactory);
        kept.getPrivateCredentials().add(renewed);
        assertNull(managedFactory.matchManagedConnections(Set.of(before), kept, null),
                "a connection signed on with the old password is not the new credential's");
        ManagedConnection after = managedFactory.createManagedConnection(kept, null);
        try (Connection connection = (Connection) after.getConnection(null, null)) {
            connection.checkExists(declareProbe(connection));
        }
        assertEquals(after, managedFactory.matchManagedConnections(Set.of(before, after), kept, null));
        after.destroy();
        before.destroy();
    }

    /**
     * The container matches on every checkout (one per publish): finding the subject's credential
     * again must not copy the subject's credential set nor the credential each time.
     */
    @Test
    void matchingTheSameSubjectAgainAllocatesAlmostNothing() throws ResourceException {
        WarrenManagedConnectionFactory managedFactory = factory[0];
        Subject subject = subject(managedFactory, password);
        ManagedConnection signedOn = managedFactory.createManagedConnection(subject, null);
        Set<ManagedConnection> candidates = Set.of(signedOn);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int calls = 100_000;
        long bytes = 0;
        for (int run = 0; run < 2; run++) { // the first to warm up
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                if (managedFactory.matchManagedConnections(candidates, subject, null) != signedOn) {
                    throw new AssertionError("not matched");
                }
            }
            bytes = threads.getCurrentThreadAllocatedBytes() - before;
        }
        System.out.println("matchManagedConnections: " + bytes / calls + " bytes per call");
        assertTrue(bytes / calls <= 100, bytes / calls + " bytes per match");
        signedOn.destroy();
    }

    @Test
    void aWrongPasswordFailsWithoutShowingIt() {
        WarrenManagedConnectionFactory managedFactory = factory[0];
        ResourceException error = assertThrows(ResourceException.class,
                () -> managedFactory.createManagedConnection(subject(managedFactory, "wrong-pw"), null));
        assertNotNull(error.getMessage());
        assertTrue(!error.getMessage().contains("wrong-pw") && !error.getMessage().contains(password), error.getMessage());
    }

    /** A container that signs every connection of the factory on with one subject, keeping one managed connection. */
    private static final class SigningOnContainer implements ConnectionManager {
        private static final long serialVersionUID = 1L;
        private final transient Subject subject;
        private transient ManagedConnection managed;

        SigningOnContainer(Subject subject) {
            this.subject = subject;
        }

        @Override
        public synchronized Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
                throws ResourceException {
            if (managed == null) {
                managed = factory.createManagedConnection(subject, info);
            }
            return managed.getConnection(subject, info);
        }

        synchronized void destroy() throws ResourceException {
            if (managed != null) {
                managed.destroy();
            }
        }
    }

    @Test
    void aRequestGoesOutAsTheUserTheContainerSignedOnWithNotAsTheFactorysOwn() throws Exception {
        // the signed-on user may publish nowhere: a request that went out as the factory's own user (guest) would be answered
        Broker.rabbitmqctl("set_permissions", "-p", "/", user, ".*", "^$", ".*");
        WarrenManagedConnectionFactory managedFactory = factory[0];
        SigningOnContainer container = new SigningOnContainer(subject(managedFactory, password));
        ConnectionFactory signedOn = (ConnectionFactory) managedFactory.createConnectionFactory(container);
        String queue = "warren.test.signon-rpc." + UUID.randomUUID().toString().substring(0, 8);
        try (Broker broker = new Broker(); com.rabbitmq.client.Channel responder = broker.channel()) {
            broker.cleanUpQueue(queue);
            responder.queueDeclare(queue, false, false, false, null);
            responder.basicConsume(queue, true, (tag, request) -> responder.basicPublish("",
                    request.getProperties().getReplyTo(), new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                            .correlationId(request.getProperties().getCorrelationId()).build(),
                    request.getBody()), tag -> { });
            CompletableFuture<Message> reply = signedOn.producer(Producer.to("").routingKey(queue).serializer("text")
                    .build()).requestAsync(OutgoingMessage.of("as whom?").build(), Duration.ofSeconds(60))
                    .toCompletableFuture();

            ExecutionException refused = assertThrows(ExecutionException.class, () -> reply.get(30, TimeUnit.SECONDS),
                    "published as the signed-on user, whom the broker refuses; not answered as guest");
            String message = refused.getCause().getMessage();
            assertTrue(message.contains("ACCESS_REFUSED") && message.contains("as user '" + user + "'"), message);
            String connections = Broker.rabbitmqctl("list_connections", "user", "client_properties");
            assertTrue(connections.lines().anyMatch(line -> line.startsWith(user)
                    && line.contains(harness.connectionName())), connections);
        } finally {
            container.destroy();
        }
    }
}
