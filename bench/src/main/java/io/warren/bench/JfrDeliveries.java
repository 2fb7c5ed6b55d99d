package io.warren.bench;

import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;
import java.util.regex.*;

/**
 * Where a delivery thread spends its time, from a flight recording (see docs/profile.md): execution
 * samples of the threads whose name matches a pattern, aggregated by phase of the delivery, by the
 * package of the first frame that is not the JDK's (so that a HashMap.get in Narayana counts as
 * Narayana), by top frame and by first io.warren frame; allocation samples, contended monitor entries
 * and parks of those threads by the same owners. Usage:
 * {@code java -cp bench/target/classes io.warren.bench.JfrDeliveries rec.jfr "default-threads|warren-amqp|AMQP Connection"}
 * ({@code threads} as a third argument lists the sampled threads instead).
 */
public final class JfrDeliveries {
    static String cat(String cls) {
        if (cls.startsWith("io.warren.bench") || cls.startsWith("io.warren.it")) return "application (MDB)";
        if (cls.startsWith("io.warren")) return "io.warren";
        if (cls.startsWith("com.rabbitmq")) return "com.rabbitmq";
        if (cls.startsWith("com.sun.jts") || cls.startsWith("com.sun.enterprise.transaction")) return "transactions (narayana/wildfly-txn; payara jts)";
        if (cls.startsWith("com.arjuna") || cls.startsWith("org.jboss.narayana") || cls.startsWith("org.jboss.jbossts") || cls.startsWith("org.jboss.tm") || cls.startsWith("org.wildfly.transaction")) return "transactions (narayana/wildfly-txn; payara jts)";
        if (cls.startsWith("org.jboss.as.ejb3") || cls.startsWith("org.jboss.ejb") || cls.startsWith("org.jboss.invocation") || cls.startsWith("org.jboss.as.ee") || cls.startsWith("org.jboss.as.naming")|| cls.startsWith("org.wildfly.security")) return "EJB/interceptors (org.jboss.as.ejb3, invocation, ee, security)";
        if (cls.startsWith("org.jboss.jca") || cls.startsWith("org.jboss.as.connector") || cls.startsWith("org.jboss.threads")) return "JCA/WorkManager (ironjacamar, jboss-threads)";
        if (cls.startsWith("org.jboss.weld")) return "weld";
        if (cls.startsWith("org.jboss.logmanager") || cls.startsWith("org.jboss.logging") || cls.startsWith("java.util.logging")) return "logging";
        if (cls.startsWith("com.sun.ejb") || cls.startsWith("org.glassfish") || cls.startsWith("com.sun.enterprise") || cls.startsWith("fish.payara")) return "glassfish/payara";
        if (cls.startsWith("com.fasterxml")) return "jackson";
        if (cls.startsWith("org.jboss") || cls.startsWith("org.wildfly")) return "other jboss/wildfly";
        if (cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.") || cls.startsWith("javax.") || cls.startsWith("com.sun.")) return "JDK";
        return "other:" + cls.replaceAll("\\.[^.]*$", "");
    }
    static String phase(String thread, List<RecordedFrame> fr) {
        if (thread.startsWith("AMQP Connection")) return "amqp-client reader thread (socket, frames)";
        if (thread.startsWith("warren-amqp")) return "amqp-client dispatch thread (Warren's accept)";
        Set<String> m = new HashSet<>();
        for (RecordedFrame f : fr) if (f.isJavaFrame()) m.add(name(f));
        for (String x : m) if (x.endsWith(".onMessage") && (x.startsWith("io.warren.bench.") || x.startsWith("io.warren.it.")) && !x.contains("$$$") && !x.contains("_Wrapper") && !x.contains("$Proxy")) return "MDB body (application)";
        if (m.contains("io.warren.rar.inbound.DeliverySynchronization.afterCompletion") || m.contains("io.warren.rar.inbound.DeliveryTransaction.commit") || m.contains("io.warren.rar.inbound.DeliveryTransaction.rollback")) return "Warren settles inside the commit (ack)";
        for (String x : m) if (x.endsWith(".afterDelivery") && !x.startsWith("io.warren.rar")) return "container afterDelivery (commit, instance release)";
        for (String x : m) if (x.endsWith(".beforeDelivery") && !x.startsWith("io.warren.rar")) return "container beforeDelivery (begin, enlist)";
        if (m.contains("io.warren.rar.inbound.ConsumerEndpoint.synchronizeWithTransaction")) return "Warren registers its Synchronization (incl. the registry)";
        if (m.contains("io.warren.rar.inbound.ConsumerEndpoint.deliver")) {
            for (String x : m) if (x.endsWith(".onMessage") && !x.startsWith("io.warren.rar")) return "container onMessage invocation (interceptors, proxies)";
            return "Warren ConsumerEndpoint (own)";
        }
        if (m.contains("io.warren.rar.inbound.QueueConsumer.deliver")) return "Warren delivery set-up (message, attempts, type, trace)";
        for (String x : m) if (x.startsWith("io.warren.rar.inbound.AckCoalescer")) return "Warren ack flush (basic.ack)";
        for (String x : m) if (x.startsWith("io.warren.rar.inbound.HeldAckWatch")) return "Warren HeldAckWatch (Work per held-ack period)";
        if (m.contains("io.warren.rar.inbound.QueueConsumer.drain")) return "Warren drain loop (own)";
        for (String x : m) if (x.startsWith("io.warren.rar")) return "Warren other";
        return "container thread plumbing (WorkManager, pool, no Warren frame)";
    }
    static boolean jdk(String cls) { return cat(cls).equals("JDK"); }
    static String name(RecordedFrame f) { return f.getMethod().getType().getName() + "." + f.getMethod().getName(); }
    static void inc(Map<String, Long> m, String k, long v) { m.merge(k, v, Long::sum); }
    static void print(String title, Map<String, Long> m, long total, int n) {
        System.out.println("\n### " + title + " (total " + total + ")");
        m.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(n)
                .forEach(e -> System.out.printf("%7d %5.1f%%  %s%n", e.getValue(), 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
    }
    public static void main(String[] a) throws Exception {
        Pattern threads = Pattern.compile(a[1]);
        Map<String, Long> threadNames = new TreeMap<>();
        Map<String, Long> top = new HashMap<>(), owner = new HashMap<>(), ownerCat = new HashMap<>(), topCat = new HashMap<>(),
                firstWarren = new HashMap<>(), inclusive = new HashMap<>(), warrenOwnedTop = new HashMap<>();
        Map<String, Long> allocWarren = new HashMap<>(), allocWarrenClass = new HashMap<>(), allocCat = new HashMap<>(), allocClass = new HashMap<>();
        Map<String, Long> phases = new HashMap<>();
        Map<String, Long> monitor = new HashMap<>(), park = new HashMap<>(), monitorCount = new HashMap<>(), parkCount = new HashMap<>();
        long samples = 0, allocTotal = 0, withWarren = 0;
        try (RecordingFile rf = new RecordingFile(Path.of(a[0]))) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                String type = e.getEventType().getName();
                RecordedThread t = type.equals("jdk.ExecutionSample") ? e.getThread("sampledThread") : e.getThread();
                if (t == null) continue;
                String tn = t.getJavaName() == null ? String.valueOf(t.getOSName()) : t.getJavaName();
                if (type.equals("jdk.ExecutionSample")) inc(threadNames, tn.replaceAll("\\d+", "N"), 1);
                if (!threads.matcher(tn).find()) continue;
                RecordedStackTrace st = e.getStackTrace();
                if (st == null) continue;
                List<RecordedFrame> fr = st.getFrames();
                if (fr.isEmpty()) continue;
                String own = null; String fw = null;
                for (RecordedFrame f : fr) {
                    if (!f.isJavaFrame()) continue;
                    String c = f.getMethod().getType().getName();
                    if (own == null && !jdk(c)) own = name(f);
                    if (fw == null && cat(c).equals("io.warren")) fw = name(f);
                }
                String path = "";
                for (RecordedFrame f : fr) {
                    if (!f.isJavaFrame()) continue;
                    String n = name(f);
                    if (n.equals("io.warren.rar.inbound.HeldAckWatch$Watch.run")) { path = " via Watch"; break; }
                    if (n.equals("io.warren.rar.inbound.AckCoalescer.acked")) { path = " via acked"; break; }
                    if (n.equals("io.warren.rar.inbound.AckCoalescer.flushIfOlder")) { path = " via flushIfOlder"; }
                    if (n.equals("io.warren.rar.inbound.QueueConsumer.drain")) { path += " in drain"; break; }
                }
                String ownCat = own == null ? "JDK" : cat(own.substring(0, own.lastIndexOf('.')));
                switch (type) {
                    case "jdk.ExecutionSample" -> {
                        samples++;
                        inc(phases, phase(tn, fr), 1);
                        String tp = name(fr.get(0));
                        inc(top, tp, 1);
                        inc(topCat, cat(fr.get(0).getMethod().getType().getName()), 1);
                        inc(owner, own == null ? "(JDK only) " + tp : own, 1);
                        inc(ownerCat, ownCat, 1);
                        if (fw != null) { inc(firstWarren, fw, 1); withWarren++; }
                        if (ownCat.equals("io.warren")) inc(warrenOwnedTop, own + "  <- top " + tp, 1);
                        Set<String> seen = new HashSet<>();
                        for (RecordedFrame f : fr) if (f.isJavaFrame()) seen.add(name(f));
                        for (String s : seen) inc(inclusive, s, 1);
                    }
                    case "jdk.ObjectAllocationSample" -> {
                        long w = e.getLong("weight");
                        allocTotal += w;
                        String oc = e.getClass("objectClass").getName();
                        inc(allocCat, ownCat, w);
                        inc(allocClass, oc + " by " + own, w);
                        if (fw != null) { inc(allocWarren, fw, w); }
                        if (ownCat.equals("io.warren")) inc(allocWarrenClass, oc + " in " + own, w);
                    }
                    case "jdk.JavaMonitorEnter" -> {
                        String k = e.getClass("monitorClass").getName() + " at " + own + " (fw " + fw + path + ")";
                        inc(monitor, k, e.getDuration().toNanos() / 1000); inc(monitorCount, k, 1);
                    }
                    case "jdk.ThreadPark" -> {
                        String k = own + " (fw " + fw + ")";
                        inc(park, k, e.getDuration().toNanos() / 1000); inc(parkCount, k, 1);
                    }
                    default -> {}
                }
            }
        }
        if (a.length > 2 && a[2].equals("threads")) { print("execution samples by thread name (all threads)", threadNames, threadNames.values().stream().mapToLong(x->x).sum(), 60); return; }
        System.out.println("delivery-thread execution samples: " + samples + ", with an io.warren frame on the stack: " + withWarren);
        print("by phase of the delivery", phases, samples, 30);
        print("by owner category (first non-JDK frame from the top)", ownerCat, samples, 20);
        print("by top-frame package category", topCat, samples, 20);
        print("by top frame", top, samples, 30);
        print("by owner frame (first non-JDK frame)", owner, samples, 40);
        print("by first io.warren frame from the top (samples with io.warren on the stack)", firstWarren, samples, 30);
        print("io.warren-owned samples: owner <- top", warrenOwnedTop, samples, 25);
        Map<String, Long> incW = new HashMap<>();
        inclusive.forEach((k, v) -> { if (k.startsWith("io.warren") || k.contains("arjuna") || k.contains("ejb3") || k.contains("rabbitmq") || k.contains("jca") || k.contains("narayana") || k.contains("wildfly.transaction") || k.contains("glassfish") || k.contains("com.sun.ejb") || k.contains("WorkManagerImpl") || k.contains("EnhancedQueueExecutor")) incW.put(k, v); });
        print("inclusive (method anywhere on the stack)", incW, samples, Integer.getInteger("incl", 70));
        print("allocation weight (bytes) by owner category", allocCat, allocTotal, 15);
        print("allocation weight by object class and owner", allocClass, allocTotal, 25);
        print("allocation weight under io.warren, by first io.warren frame", allocWarren, allocTotal, 20);
        print("allocation weight owned by io.warren, by class", allocWarrenClass, allocTotal, 20);
        print("JavaMonitorEnter total µs by monitor class and owner", monitor, monitor.values().stream().mapToLong(x->x).sum(), 15);
        print("JavaMonitorEnter count", monitorCount, monitorCount.values().stream().mapToLong(x->x).sum(), 15);
        print("ThreadPark total µs by owner", park, park.values().stream().mapToLong(x->x).sum(), 15);
        print("ThreadPark count", parkCount, parkCount.values().stream().mapToLong(x->x).sum(), 15);
    }
}
