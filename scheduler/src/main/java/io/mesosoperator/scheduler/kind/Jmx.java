package io.mesosoperator.scheduler.kind;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mesosoperator.scheduler.kind.MetricsSource.Sample;
import io.mesosoperator.scheduler.kind.MetricsSource.Series;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** The name of a JVM task's JMX port: a task that has one is asked for its heap and GC time. */
    public static final String PORT = "jmx";
    /** The JMX user the operator connects as; its password is the resource's secret. */
    public static final String USER = "mesos-operator";
    public static final String PASSWORD_FILE = "jmxremote.password";
    public static final String ACCESS_FILE = "jmxremote.access";
    public static final Series JVM_HEAP_USED = Series.gauge("mesos_operator_jvm_heap_used_bytes",
            "Heap the workload's JVM uses (java.lang:type=Memory HeapMemoryUsage.used)", "kind", "resource", "instance");
    public static final Series JVM_GC_SECONDS = Series.counter("mesos_operator_jvm_gc_seconds",
            "Time the workload's JVM spent in garbage collection, all collectors", "kind", "resource", "instance");
    public static final List<Series> JVM_SERIES = List.of(JVM_HEAP_USED, JVM_GC_SECONDS);

    private static final ObjectName MEMORY = name("java.lang:type=Memory");
    private static final ObjectName COLLECTORS = name("java.lang:type=GarbageCollector,name=*");

    private Jmx() {}

    /**
     * What a kind reads of its own workload over a task's JMX connection, beside the JVM's heap and GC time
     * (which every JVM task exports): the series it exports and how one task's samples are read. The one
     * collector of JVM tasks (metrics/WorkloadJvms) asks each task once per round over one connection.
     */
    public interface Beans {
        List<Series> series();

        /** The samples of the task {@code instance} of {@code resource}; a bean not there is left out. */
        List<Sample> read(MBeanServerConnection server, String resource, int instance) throws IOException, javax.management.JMException;

        /** Nothing beyond the JVM's own. */
        Beans NONE = new Beans() {
            @Override
            public List<Series> series() {
                return List.of();
            }

            @Override
            public List<Sample> read(MBeanServerConnection server, String resource, int instance) {
                return List.of();
            }
        };
    }

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

    /**
     * The JVM options that open the JDK's own JMX agent on the task's {@value #PORT} port, reachable
     * from other hosts (registry and RMI objects on that one port, the stubs naming the agent's
     * host), for {@value #USER} only, read-only, with the password in {@link #credentialFiles}.
     * The ${...} are the task's variables (the executor's or the shell's).
     */
    public static List<String> remoteJvmOptions() {
        return List.of("-Dcom.sun.management.jmxremote.port=${PORT_JMX}",
                "-Dcom.sun.management.jmxremote.rmi.port=${PORT_JMX}",
                "-Djava.rmi.server.hostname=${MESOS_OPERATOR_HOST}",
                "-Dcom.sun.management.jmxremote.ssl=false",
                "-Dcom.sun.management.jmxremote.authenticate=true",
                "-Dcom.sun.management.jmxremote.password.file=" + PASSWORD_FILE,
                "-Dcom.sun.management.jmxremote.access.file=" + ACCESS_FILE);
    }

    /**
     * The JMX password and access files: one user, {@value #USER}, with the resource's secret as
     * its password and {@code access} (readonly, readwrite). Readable by their owner only (0400),
     * as the JDK requires of a password file.
     */
    public static List<PodSpec.ConfigFile> credentialFiles(String secret, String access) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return List.of(
                new PodSpec.ConfigFile(PASSWORD_FILE, "lines", json.arrayNode().add(USER + " " + secret), "0400"),
                new PodSpec.ConfigFile(ACCESS_FILE, "lines", json.arrayNode().add(USER + " " + access), "0400"));
    }

    /**
     * How long opening a JMX connection may wait for the node's host to accept, and then for its RMI
     * handshake. A node that is gone or hangs (a JVM stopped in a long GC answers nothing, though its
     * kernel accepts) fails the connection after this, instead of holding a thread until TCP gives up
     * (minutes) or for the JDK's RMI handshake wait (60 s). The calls made once connected are not
     * bounded here: a decommission runs for minutes over one call.
     */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public static JMXConnector connect(Endpoint endpoint) throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + endpoint.address() + "/jmxrmi");
        Map<String, Object> env = new HashMap<>();
        env.put(REGISTRY_SOCKETS, new BoundedSockets(CONNECT_TIMEOUT));
        if (endpoint.user() != null) {
            env.put(JMXConnector.CREDENTIALS, new String[] {endpoint.user(), endpoint.password()});
        }
        return JMXConnectorFactory.connect(url, env);
    }

    /** The JNDI environment key of the sockets to the RMI registry, the first step of a connection. */
    private static final String REGISTRY_SOCKETS = "com.sun.jndi.rmi.factory.socket";
    /**
     * Sockets to the RMI registry that give up connecting after {@code timeout}, and reading too: RMI sets
     * their read timeout itself (60 s for the handshake, then none), so it is capped here. The registry's
     * one call, the lookup, is short; the connection to the JMX server it names is not one of these.
     */
    private record BoundedSockets(Duration timeout) implements RMIClientSocketFactory, Serializable {
        @Override
        public Socket createSocket(String host, int port) throws IOException {
            int bound = (int) timeout.toMillis();
            Socket socket = new Socket() {
                @Override
                public void setSoTimeout(int requested) throws java.net.SocketException {
                    super.setSoTimeout(requested == 0 ? bound : Math.min(requested, bound));
                }
            };
            try {
                socket.connect(new InetSocketAddress(host, port), bound);
                socket.setSoTimeout(bound);
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }
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

    /** Adds a sample of {@code series} with a bean's numeric attribute, when the bean has it (left out, never 0, otherwise). */
    public static void addNumber(List<Sample> samples, Series series, MBeanServerConnection server, ObjectName bean,
                                 String attribute, String... labels) throws IOException, javax.management.JMException {
        Double value = number(server, bean, attribute);
        if (value != null) {
            samples.add(series.sample(value, labels));
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
