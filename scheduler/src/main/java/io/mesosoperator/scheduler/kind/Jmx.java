package io.mesosoperator.scheduler.kind;

import io.mesosoperator.scheduler.kind.MetricsSource.Sample;
import io.mesosoperator.scheduler.kind.MetricsSource.Series;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Remote JMX to a workload's JVM (nodetool's way: the RMI registry and objects on one port), and
 * what every JVM workload exports through it: its heap in use and its collectors' time. Shared by
 * the kinds whose tasks are JVMs, so that each only says where its JVMs listen.
 */
public final class Jmx {
    private static final String LABELS_KIND = "kind";
    public static final Series JVM_HEAP_USED = Series.gauge("mesos_operator_jvm_heap_used_bytes",
            "Heap the workload's JVM uses (java.lang:type=Memory HeapMemoryUsage.used)", LABELS_KIND, "resource", "instance");
    public static final Series JVM_GC_SECONDS = Series.counter("mesos_operator_jvm_gc_seconds",
            "Time the workload's JVM spent in garbage collection, all collectors", LABELS_KIND, "resource", "instance");
    public static final List<Series> JVM_SERIES = List.of(JVM_HEAP_USED, JVM_GC_SECONDS);

    private static final ObjectName MEMORY = name("java.lang:type=Memory");
    private static final ObjectName COLLECTORS = name("java.lang:type=GarbageCollector,name=*");

    private Jmx() {}

    /**
     * Where one JVM listens for JMX ("host:port"), and as whom to connect ({@code user} null: no
     * authentication).
     */
    public record Endpoint(String address, String user, String password) {
        @Override
        public String toString() {
            return address; // never the password
        }
    }

    public static JMXConnector connect(Endpoint endpoint) throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + endpoint.address() + "/jmxrmi");
        return JMXConnectorFactory.connect(url, endpoint.user() == null ? Map.of()
                : Map.of(JMXConnector.CREDENTIALS, new String[] {endpoint.user(), endpoint.password()}));
    }

    /** The heap in use and the summed collection time of the JVM behind {@code server}. */
    public static List<Sample> jvm(MBeanServerConnection server, String kind, String resource, int instance)
            throws IOException, javax.management.JMException {
        String id = Integer.toString(instance);
        List<Sample> samples = new ArrayList<>();
        CompositeData heap = (CompositeData) server.getAttribute(MEMORY, "HeapMemoryUsage");
        samples.add(JVM_HEAP_USED.sample(((Number) heap.get("used")).doubleValue(), kind, resource, id));
        long gcMillis = 0;
        for (ObjectName collector : server.queryNames(COLLECTORS, null)) {
            long t = ((Number) server.getAttribute(collector, "CollectionTime")).longValue();
            if (t > 0) { // -1: this collector does not measure it
                gcMillis += t;
            }
        }
        samples.add(JVM_GC_SECONDS.sample(gcMillis / 1000.0, kind, resource, id));
        return samples;
    }

    /**
     * A numeric attribute, or null when the MBean or attribute is not there (a metric the workload
     * has not created yet: it is left out, never taken as 0).
     */
    public static Double number(MBeanServerConnection server, ObjectName bean, String attribute)
            throws IOException, javax.management.JMException {
        try {
            Object value = server.getAttribute(bean, attribute);
            return value instanceof Number n ? n.doubleValue() : null;
        } catch (InstanceNotFoundException | AttributeNotFoundException e) {
            return null;
        }
    }

    public static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
