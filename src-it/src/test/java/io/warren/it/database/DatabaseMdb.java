package io.warren.it.database;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Inserts a row per message into the XA database, in the delivery's container transaction (the
 * MDB default, REQUIRED), then throws on the first delivery of a message whose body starts with
 * "fail-": the insert is rolled back with the delivery and the message comes again.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = TransactedDatabase.QUEUE),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "2")})
public class DatabaseMdb implements MessageListener {

    @Resource(lookup = TransactedDatabase.JNDI)
    DataSource database;

    @EJB
    TransactedDatabase attempts;

    @Override
    public void onMessage(Message message) {
        String body = message.payload(String.class);
        attempts.delivered(body);
        try (Connection connection = database.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO delivered (body) VALUES (?)")) {
            insert.setString(1, body);
            insert.executeUpdate();
            attempts.connectedThrough(driverConnection(connection));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot insert " + body, e);
        }
        if (body.startsWith("fail-") && !message.redelivered()) {
            throw new IllegalStateException("first delivery of " + body + " fails after its insert");
        }
    }

    /**
     * @return the class of H2's own connection under the server's wrapper (an XA connection's is named
     *     after it): through {@code unwrap} in WildFly; Payara's wrapper cannot unwrap to a class, but
     *     hands out the physical connection from {@code getConnection()}
     */
    private static String driverConnection(Connection connection) {
        try {
            Class<? extends Connection> h2 = Class.forName("org.h2.jdbc.JdbcConnection").asSubclass(Connection.class);
            return connection.unwrap(h2).getClass().getName();
        } catch (ClassNotFoundException e) {
            return "(H2 not visible to the application: " + connection.getClass().getName() + ")";
        } catch (SQLException | RuntimeException cannotUnwrap) {
            try {
                return connection.getClass().getMethod("getConnection").invoke(connection).getClass().getName();
            } catch (ReflectiveOperationException | RuntimeException e) {
                return "(cannot see under " + connection.getClass().getName() + ": " + e + ")";
            }
        }
    }
}
