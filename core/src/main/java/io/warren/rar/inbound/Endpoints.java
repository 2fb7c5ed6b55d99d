package io.warren.rar.inbound;

import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.util.List;

/** How an activation names its MDB in logs and MBean names. */
final class Endpoints {

    private Endpoints() {
    }

    /** @return the bean class where the container says it, as users know their MDB by it; else the activation's name */
    static String name(MessageEndpointFactory factory) {
        Class<?> bean = beanClass(factory);
        if (bean != null) {
            return bean.getName();
        }
        try {
            String name = factory.getActivationName();
            return name == null ? "" : name;
        } catch (RuntimeException | AbstractMethodError e) {
            return "";
        }
    }

    /** @return the MDB and its queues, as the log names them: {@code the MDB com.example.Orders on queue 'orders'} */
    static String describe(MessageEndpointFactory factory, List<String> queues) {
        return "the MDB " + name(factory) + " on queue" + (queues.size() > 1 ? "s " : " ")
                + String.join(", ", queues.stream().map(queue -> "'" + queue + "'").toList());
    }

    /** @return the MDB's class, or null from a container older than JCA 1.7 or one that gives an interface */
    static Class<?> beanClass(MessageEndpointFactory factory) {
        try {
            Class<?> bean = factory.getEndpointClass();
            return bean != null && !bean.isInterface() ? bean : null;
        } catch (RuntimeException | AbstractMethodError e) {
            return null;
        }
    }
}
