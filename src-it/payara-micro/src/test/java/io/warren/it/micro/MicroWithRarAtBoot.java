package io.warren.it.micro;

import fish.payara.arquillian.container.payara.managed.PayaraMicroContainerConfiguration;
import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.shrinkwrap.api.Archive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.logging.Logger;

/**
 * Payara Micro's Arquillian container, adapted to an adapter deployed at boot.
 * <p>
 * The container starts a Micro process for each deployment and stops it when that deployment is undeployed.
 * Micro deploys warren.rar itself, at boot ({@code --postbootcommandfile} in arquillian.xml), so the tests'
 * RAR deployments are no-ops here and each WAR deployment boots a Micro with the adapter in it.
 * Undeploying a WAR waits until its Micro has stopped, so that the broker's view is settled when a test looks,
 * closes the process output, which the container's reader would otherwise poll in a busy loop once Micro
 * has exited, and deletes the temporary directory the container exported the WAR to.
 */
public class MicroWithRarAtBoot extends PayaraMicroDeployableContainer {

    private static final Logger LOG = Logger.getLogger(MicroWithRarAtBoot.class.getName());

    /** Starts the log afresh: each Micro of this run appends to it (--logtofile), the last one at the end. */
    @Override
    public void setup(PayaraMicroContainerConfiguration configuration) {
        super.setup(configuration);
        String log = System.getProperty("it.server.log");
        if (log != null) {
            new File(log).delete();
        }
    }

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        if (archive instanceof ResourceAdapterArchive) {
            LOG.info(archive.getName() + ": deployed by each Micro at boot, not by Arquillian");
            return new ProtocolMetaData();
        }
        ProtocolMetaData metaData = super.deploy(archive);
        if (metaData == null) {
            throw new DeploymentException("Payara Micro did not start with " + archive.getName()
                    + "; see " + System.getProperty("it.server.log"));
        }
        return metaData;
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        if (archive instanceof ResourceAdapterArchive) {
            return;
        }
        Process micro = process();
        if (micro == null) {
            super.undeploy(archive);
            return;
        }
        Optional<Path> exportDirectory = exportDirectory(micro);
        super.undeploy(archive);
        try {
            if (!micro.waitFor(60, TimeUnit.SECONDS)) {
                LOG.warning("Payara Micro did not stop within 60 s; killing it");
                micro.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                micro.getInputStream().close();
            } catch (IOException ignored) {
                // the reader stops either way
            }
            exportDirectory.ifPresent(MicroWithRarAtBoot::delete);
        }
    }

    /** @return the container's arquillian-payara-micro* directory, found from Micro's {@code --deploy} argument */
    private static Optional<Path> exportDirectory(Process micro) {
        List<String> arguments = List.of(micro.info().arguments().orElse(new String[0]));
        int deploy = arguments.indexOf("--deploy");
        if (deploy < 0 || deploy + 1 >= arguments.size()) {
            return Optional.empty();
        }
        Path deployments = new File(arguments.get(deploy + 1)).toPath().getParent();
        return Optional.ofNullable(deployments == null ? null : deployments.getParent())
                .filter(directory -> directory.getFileName().toString().startsWith("arquillian-payara-micro"));
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.fine("left " + directory + ": " + e);
        }
    }

    private Process process() {
        try {
            Field field = PayaraMicroDeployableContainer.class.getDeclaredField("payaraMicroProcess");
            field.setAccessible(true);
            return (Process) field.get(this);
        } catch (ReflectiveOperationException e) {
            LOG.warning("cannot wait for Payara Micro to stop: " + e);
            return null;
        }
    }
}
