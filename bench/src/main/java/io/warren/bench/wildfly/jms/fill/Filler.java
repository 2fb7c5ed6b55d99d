package io.warren.bench.wildfly.jms.fill;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Queue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.Arrays;

/**
 * Sends non-persistent messages (transient, as the bench's RabbitMQ messages are) to the queue,
 * through WildFly's in-VM connection factory.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@Path("")
@Produces(MediaType.TEXT_PLAIN)
public class Filler {

    @Resource(lookup = "java:/ConnectionFactory")
    private ConnectionFactory factory;

    @Resource(lookup = "java:/jms/queue/warrenBench")
    private Queue queue;

    @POST
    @Path("fill")
    public String fill(@QueryParam("size") int size, @QueryParam("count") int count) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        try (JMSContext context = factory.createContext()) {
            JMSProducer producer = context.createProducer().setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            for (int i = 0; i < count; i++) {
                BytesMessage message = context.createBytesMessage();
                message.writeBytes(body);
                producer.send(queue, message);
            }
            return Integer.toString(count);
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
