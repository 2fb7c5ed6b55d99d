package io.warren.rar.inbound.servers;

/**
 * WildFly throws {@code org.jboss.as.ejb3.component.EJBComponentUnavailableException}
 * ("WFLYEJB0421: Invocation cannot proceed as component is shutting down") from {@code onMessage}
 * while it stops an MDB, without running the bean, and then commits the delivery's transaction
 * (WildFly 37 and 39 alike: src-it's RedeployTest in each).
 * Known by its simple name, as the class comes from WildFly's EJB module, which Warren cannot see.
 */
public final class WildFlyRefusals implements ContainerRefusals {

    private static final String COMPONENT_UNAVAILABLE = "EJBComponentUnavailableException";

    @Override
    public boolean refused(Throwable thrown) {
        return thrown.getClass().getSimpleName().equals(COMPONENT_UNAVAILABLE);
    }
}
