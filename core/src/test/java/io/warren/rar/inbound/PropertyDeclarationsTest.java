package io.warren.rar.inbound;

import io.warren.rar.WarrenResourceAdapter;
import io.warren.rar.config.BrokerProperties;
import io.warren.rar.config.BrokerProperty;
import io.warren.rar.config.PropertyDeclaration;
import io.warren.rar.config.PropertyValues;
import io.warren.rar.outbound.WarrenManagedConnectionFactory;
import jakarta.resource.spi.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A declaration is all a property needs: the JavaBean pair the servers set it through (written
 * by warren-config-processor) exists for each declaration, with the declared type, and stores
 * into that declaration; there is no pair without a declaration; every default reads without a
 * problem.
 */
class PropertyDeclarationsTest {

    private static String capitalized(PropertyDeclaration property) {
        return Character.toUpperCase(property.propertyName().charAt(0)) + property.propertyName().substring(1);
    }

    private static Object sample(Class<?> type) {
        return type == Integer.class ? 7 : type == Boolean.class ? Boolean.TRUE : "sample";
    }

    /** @return the value stored by the pair, read back through its getter */
    private static Object roundTrip(Object bean, PropertyDeclaration property) throws ReflectiveOperationException {
        Method setter = bean.getClass().getMethod("set" + capitalized(property), property.beanType());
        Method getter = bean.getClass().getMethod("get" + capitalized(property));
        assertEquals(property.beanType(), getter.getReturnType(), getter.toString());
        setter.invoke(bean, sample(property.beanType()));
        return getter.invoke(bean);
    }

    @Test
    void everyActivationPropertyHasItsPairStoringIntoIt() throws ReflectiveOperationException {
        for (ActivationProperty property : ActivationProperty.values()) {
            WarrenActivationSpec spec = new WarrenActivationSpec();
            assertEquals("sample", roundTrip(spec, property), property.propertyName());
            assertEquals(Map.of(property, "sample"), spec.activationProperties(), property.propertyName());
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {WarrenResourceAdapter.class, WarrenManagedConnectionFactory.class, WarrenActivationSpec.class})
    void everyBrokerPropertyHasItsConfigPropertyStoringIntoIt(Class<? extends BrokerProperties> type) throws Exception {
        for (BrokerProperty property : BrokerProperty.values()) {
            BrokerProperties bean = type.getConstructor().newInstance();
            Object value = sample(property.beanType());
            assertEquals(value, roundTrip(bean, property), property.propertyName());
            assertEquals(Map.of(property, value.toString()), bean.brokerProperties(), property.propertyName());
            ConfigProperty annotation = type.getMethod("set" + capitalized(property), property.beanType())
                    .getAnnotation(ConfigProperty.class);
            assertNotNull(annotation, type.getSimpleName() + " lacks @ConfigProperty on " + property.propertyName());
            assertEquals(property.secret(), annotation.confidential(), property.propertyName() + " confidential");
        }
    }

    /**
     * Open Liberty reads the defaults of the resource adapter's {@code @ConfigProperty} setters through their
     * getters on a new instance of each class of its hierarchy that has such setters, and refuses to install
     * an adapter with an abstract one (J2CA7002E, InstantiationException in RAAnnotationProcessor).
     */
    @Test
    void everyClassOfTheResourceAdapterWithConfigPropertiesIsInstantiatedAndReadAsLibertyDoes() throws Exception {
        for (Class<?> type = WarrenResourceAdapter.class; type != Object.class; type = type.getSuperclass()) {
            for (Method setter : type.getMethods()) {
                if (setter.isAnnotationPresent(ConfigProperty.class)) {
                    Object bean = type.getConstructor().newInstance();
                    Method getter = type.getMethod("get" + setter.getName().substring("set".length()));
                    assertEquals(null, getter.invoke(bean), type.getSimpleName() + "." + getter.getName() + " when unset");
                }
            }
        }
    }

    @Test
    void theResourceAdapterAndTheFactoryHaveNoConfigPropertyWithoutADeclaration() {
        Set<String> declared = names(Stream.of(BrokerProperty.values()));
        for (Class<?> type : new Class<?>[] {WarrenResourceAdapter.class, WarrenManagedConnectionFactory.class}) {
            Set<String> configProperties = Arrays.stream(type.getMethods())
                    .filter(method -> method.isAnnotationPresent(ConfigProperty.class))
                    .map(PropertyDeclarationsTest::propertyOf).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(declared, configProperties, type.getSimpleName());
        }
    }

    @Test
    void theActivationSpecHasNoSetterWithoutADeclaration() {
        Set<String> declared = names(Stream.concat(Stream.of(ActivationProperty.values()), Stream.of(BrokerProperty.values())));
        Set<String> setters = Arrays.stream(WarrenActivationSpec.class.getMethods())
                .filter(method -> method.getName().startsWith("set") && method.getParameterCount() == 1)
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .map(PropertyDeclarationsTest::propertyOf)
                .filter(name -> !name.equals("resourceAdapter"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, setters);
    }

    @Test
    void aBrokerPropertysPairHasTheTypeItsValueReadsInto() {
        for (BrokerProperty property : BrokerProperty.values()) {
            assertEquals(property.type().beanType(), property.beanType(), property.propertyName()
                    + ": its @BeanPair type and its value type differ");
        }
    }

    @Test
    void everyDefaultReadsWithoutAProblem() {
        assertEquals(Set.of(), Set.copyOf(PropertyValues.read(BrokerProperty.class, Map.of()).problems()));
        PropertyValues<ActivationProperty> activation = PropertyValues.read(ActivationProperty.class,
                Map.of(ActivationProperty.QUEUE, "q"));
        assertEquals(Set.of(), Set.copyOf(activation.problems()));
        for (ActivationProperty property : ActivationProperty.values()) {
            if (property.defaultValue() != null || property.derivedDefault() != null) {
                assertNotNull(activation.get(property, Object.class), property.propertyName());
            }
        }
    }

    private static Set<String> names(Stream<? extends PropertyDeclaration> declarations) {
        return declarations.map(PropertyDeclaration::propertyName).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String propertyOf(Method setter) {
        return Character.toLowerCase(setter.getName().charAt(3)) + setter.getName().substring(4);
    }
}
