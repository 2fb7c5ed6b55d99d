package io.warren.rar.harness;

import io.warren.testnode.SecondNode;
import io.warren.testnode.TokenServer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.UUID;

/**
 * One extra RabbitMQ node for every test class that needs one, given as a {@link SecondNode}
 * parameter (of a constructor, a test or a {@code @BeforeAll} method). It starts when the first
 * test asks for it and stops when the test run ends: starting a node and making its certificates
 * costs seconds of both cores, once instead of once per class. It serves them all: plain AMQP,
 * AMQP over TLS, and every way of signing on ({@link SecondNode.Setup#authentication}). A test
 * that stops or reconfigures it holds {@link #LOCK} (the default, READ_WRITE mode) and puts it
 * back; the others hold it READ.
 */
public final class SharedNode implements ParameterResolver {

    /** The {@code @ResourceLock} of the shared node. */
    public static final String LOCK = "warren.shared-node";

    /** The key the node trusts OAuth 2 tokens signed with: a {@link TokenServer} of a test signs with it. */
    public static final String SIGNING_KEY = "warren-test-signing-key-" + UUID.randomUUID();

    private static final Namespace NAMESPACE = Namespace.create(SharedNode.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SecondNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // the root store: one node for the whole run, closed when the run ends
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Started.class, type -> Started.start(), Started.class).node;
    }

    private record Started(SecondNode node) implements CloseableResource {

        static Started start() {
            try {
                return new Started(SecondNode.withTls("warren-shared", SecondNode.Setup.authentication(SIGNING_KEY)));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the shared extra RabbitMQ node", e);
            }
        }

        @Override
        public void close() throws Exception {
            node.close();
        }
    }
}
