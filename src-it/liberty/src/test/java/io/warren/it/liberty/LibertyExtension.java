package io.warren.it.liberty;

import org.jboss.arquillian.container.spi.client.container.DeployableContainer;
import org.jboss.arquillian.core.spi.LoadableExtension;

/** Registers {@link LibertyContainer} with Arquillian (META-INF/services). */
public final class LibertyExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(DeployableContainer.class, LibertyContainer.class);
    }
}
