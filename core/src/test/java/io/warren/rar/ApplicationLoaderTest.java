package io.warren.rar;

import io.warren.Connection;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application that is the first to use the adapter leaves nothing of its own in the adapter's
 * long-lived threads: the shared outbound connection's I/O and heartbeat threads, the confirm
 * threads and the retry timer are made on the application's thread, under its context class
 * loader and with its code on the stack, and outlive it. Each must carry the adapter's loader,
 * or the undeployed application's classes can never be collected.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class ApplicationLoaderTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("loaders");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    /** A class loader as an application's: it defines {@link ApplicationCode} itself, with its own protection domain. */
    private static final class ApplicationLoader extends URLClassLoader {

        ApplicationLoader() {
            super(new URL[0], ApplicationLoaderTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(ApplicationCode.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        /** Runs the work as the application: its code on the stack, its loader the thread's context loader. */
        @SuppressWarnings("unchecked")
        void run(Runnable work) throws ReflectiveOperationException {
            Consumer<Runnable> code = (Consumer<Runnable>) loadClass(ApplicationCode.class.getName())
                    .getDeclaredConstructor().newInstance();
            Thread thread = Thread.currentThread();
            ClassLoader before = thread.getContextClassLoader();
            thread.setContextClassLoader(this);
            try {
                code.accept(work);
            } finally {
                thread.setContextClassLoader(before);
            }
        }
    }

    private static List<String> threadsWithContextLoader(ClassLoader loader) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getContextClassLoader() == loader)
                .map(Thread::getName).sorted().collect(Collectors.toList());
    }

    @Test
    void theAdaptersThreadsKeepNothingOfTheApplicationThatMadeThemFirst() throws Exception {
        WeakReference<ClassLoader> undeployed = deployUseAndUndeploy();
        Broker.await("the undeployed application's class loader to be collected", WAIT, () -> {
            System.gc();
            return undeployed.get() == null;
        });
    }

    /**
     * An application that is the first to publish through the adapter's factory and deploys an MDB,
     * then is undeployed while the adapter and its factory go on.
     *
     * @return the application's class loader, no longer referenced here
     */
    private WeakReference<ClassLoader> deployUseAndUndeploy() throws Exception {
        CountDownLatch delivered = new CountDownLatch(1);
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> delivered.countDown());
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setReconnectIntervalMillis("50");
        ApplicationLoader application = new ApplicationLoader();
        Harness.Deployment[] deployment = new Harness.Deployment[1];
        application.run(() -> {
            try (Connection connection = harness.factory().getConnection()) {
                connection.declare(Queue.builder(queue).build());
            }
            harness.factory().producer(Producer.to("").routingKey(queue).build())
                    .publishConfirmed("from the application").join();
            // the first reconnect Work refused: its retry waits on the adapter's timer, made on this thread
            harness.workManager().refuseNext(1);
            try {
                deployment[0] = harness.deploy(spec, mdb);
            } catch (ResourceException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(delivered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the MDB got the application's message");
        assertEquals(1, harness.workManager().refused.get(), "the reconnect Work was refused once");
        deployment[0].close();
        Broker.await("no live thread to keep the undeployed application's context class loader", WAIT,
                () -> threadsWithContextLoader(application).isEmpty(),
                () -> "; threads with it: " + threadsWithContextLoader(application));
        application.close();
        return new WeakReference<>(application);
    }
}
