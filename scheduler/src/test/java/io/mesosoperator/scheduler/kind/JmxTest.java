package io.mesosoperator.scheduler.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * Remote JMX as the operator opens it: a JVM that answers gives its heap and GC time; one whose kernel
 * accepts the connection but that answers nothing (a JVM stopped in a long GC) fails the connection
 * after {@link Jmx#CONNECT_TIMEOUT} instead of holding the caller's thread.
 */
class JmxTest {
    @Test
    void aJvmThatAnswersGivesItsHeapAndGcTime() throws Exception {
        Registry registry = null;
        JMXConnectorServer server = null;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = probe.getLocalPort();
            probe.close();
            registry = LocateRegistry.createRegistry(port);
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + port + "/jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
            server = JMXConnectorServerFactory.newJMXConnectorServer(url, Map.of(), ManagementFactory.getPlatformMBeanServer());
            server.start();
            try (JMXConnector connector = Jmx.connect(new Jmx.Endpoint("127.0.0.1:" + port, null, null))) {
                List<MetricsSource.Sample> samples = Jmx.jvm(connector.getMBeanServerConnection(), "KafkaCluster", "events", 0);
                assertThat(samples).extracting(MetricsSource.Sample::series)
                        .contains(Jmx.JVM_HEAP_USED.name(), Jmx.JVM_GC_SECONDS.name());
            }
        } finally {
            if (server != null) {
                server.stop();
            }
            if (registry != null) {
                UnicastRemoteObject.unexportObject(registry, true);
            }
        }
    }

    @Test
    void aJvmThatAcceptsButNeverAnswersFailsTheConnectionInsteadOfHoldingTheThread() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // and never a byte back
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-jvm");
            acceptor.setDaemon(true);
            acceptor.start();
            // a bound far above the timeout, only so that a regression fails here instead of hanging the build
            assertTimeoutPreemptively(Jmx.CONNECT_TIMEOUT.multipliedBy(6), () ->
                    assertThatThrownBy(() -> Jmx.connect(new Jmx.Endpoint("127.0.0.1:" + silent.getLocalPort(), "u", "p")))
                            .isInstanceOf(IOException.class)
                            .hasRootCauseInstanceOf(SocketTimeoutException.class));
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
