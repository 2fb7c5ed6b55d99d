package io.warren.rar.config;

import com.rabbitmq.client.Address;
import io.warren.rar.harness.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code addressStrategy}: the order in which a new connection tries the addresses. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class AddressStrategyTest {

    private static final List<Address> NODES = List.of(new Address("a", 1), new Address("b", 2), new Address("c", 3));

    private static ConnectionSettings settings(String strategy) {
        Map<BrokerProperty, String> values = new EnumMap<>(BrokerProperty.class);
        values.put(BrokerProperty.ADDRESSES, "a:1,b:2,c:3");
        if (strategy != null) {
            values.put(BrokerProperty.ADDRESS_STRATEGY, strategy);
        }
        return ConnectionSettings.of(values);
    }

    @Test
    void inOrderIsTheDefaultAndKeepsTheList() {
        ConnectionSettings settings = settings(null);
        assertEquals(AddressStrategy.IN_ORDER, settings.addressStrategy());
        AddressRotation rotation = new AddressRotation();
        for (int i = 0; i < 3; i++) {
            assertEquals(NODES, settings.addressStrategy().order(settings.addresses(), rotation));
        }
    }

    @Test
    void roundRobinStartsEachConnectionAtTheNextAddressAndKeepsTheOthersAsFallback() {
        ConnectionSettings settings = settings("roundRobin");
        AddressRotation rotation = new AddressRotation();
        assertEquals(NODES, settings.addressStrategy().order(NODES, rotation));
        assertEquals(List.of(NODES.get(1), NODES.get(2), NODES.get(0)), settings.addressStrategy().order(NODES, rotation));
        assertEquals(List.of(NODES.get(2), NODES.get(0), NODES.get(1)), settings.addressStrategy().order(NODES, rotation));
        assertEquals(NODES, settings.addressStrategy().order(NODES, rotation));
    }

    @Test
    void eachRotationCountsForItself() {
        AddressRotation first = new AddressRotation();
        AddressRotation second = new AddressRotation();
        AddressStrategy.ROUND_ROBIN.order(NODES, first);
        assertEquals(NODES, AddressStrategy.ROUND_ROBIN.order(NODES, second), "a second adapter starts at the first node");
    }

    @Test
    void shuffleTriesEveryAddressInSomeOrder() {
        ConnectionSettings settings = settings("SHUFFLE");
        Set<Address> firsts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            List<Address> order = settings.addressStrategy().order(NODES, new AddressRotation());
            assertEquals(Set.copyOf(NODES), Set.copyOf(order));
            assertEquals(3, order.size());
            firsts.add(order.get(0));
        }
        // 200 shuffles that never start at one of three nodes: about 3 * (2/3)^200, never
        assertEquals(Set.copyOf(NODES), firsts);
    }

    @Test
    void aBadValueNamesThePropertyAndTheValidValues() {
        List<String> problems = settings("random").problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("addressStrategy: 'random' is none of inOrder, shuffle, roundRobin"),
                problems.get(0));
    }
}
