package io.warren.it.database;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The H2 database the server ships, as an XA datasource of the application; its table, emptied when
 * the application starts; and the deliveries the MDB saw, counted outside any transaction.
 */
@DataSourceDefinition(name = TransactedDatabase.JNDI, className = "org.h2.jdbcx.JdbcDataSource",
        url = "jdbc:h2:mem:warren-it-tx;DB_CLOSE_DELAY=-1", user = "sa", password = "sa", transactional = true)
@Singleton
@Startup
@Lock(LockType.READ)
public class TransactedDatabase {

    public static final String JNDI = "java:app/warren/TxDatabase";
    public static final String QUEUE = "warren.it.database";

    private final ConcurrentMap<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private volatile String driverConnection = "";

    @Resource(lookup = JNDI)
    DataSource database;

    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void createTable() {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS delivered (body VARCHAR(100) NOT NULL)");
            statement.execute("DELETE FROM delivered");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void delivered(String body) {
        deliveries.computeIfAbsent(body, key -> new AtomicInteger()).incrementAndGet();
    }

    /** The MDB's JDBC connection under the server's wrapper: H2 names it after its XA connection when it is one. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void connectedThrough(String driverConnectionClass) {
        driverConnection = driverConnectionClass;
    }

    public String driverConnection() {
        return driverConnection;
    }

    /** @return each body with its committed rows, in body order, e.g. "a=1 b=1" */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String rows() {
        Map<String, Integer> rows = new TreeMap<>();
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT body, COUNT(*) FROM delivered GROUP BY body")) {
            while (result.next()) {
                rows.put(result.getString(1), result.getInt(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return text(rows);
    }

    /** @return how many rows are committed */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public long count() {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM delivered")) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empties the table. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void clear() {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM delivered");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        deliveries.clear();
    }

    /** @return each body with the deliveries the MDB saw, as {@link #rows()} */
    public String deliveries() {
        Map<String, Integer> counts = new TreeMap<>();
        deliveries.forEach((body, count) -> counts.put(body, count.get()));
        return text(counts);
    }

    private static String text(Map<String, Integer> counts) {
        StringBuilder text = new StringBuilder();
        counts.forEach((body, count) -> text.append(text.length() == 0 ? "" : " ").append(body).append('=').append(count));
        return text.toString();
    }
}
