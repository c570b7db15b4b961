package io.mesosoperator.scheduler.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mesosoperator.local.MesosLocalCluster;
import io.mesosoperator.mesos.ContentType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The scheduler's v1 client against mesos-local over real HTTP, in both content types. */
class MesosClientConformanceTest {
    @TempDir
    Path work;

    /** Records what the client reports. */
    static final class Recorder implements MesosClient.Listener {
        final BlockingQueue<FrameworkID> subscriptions = new LinkedBlockingQueue<>();
        final List<Event.Type> events = new CopyOnWriteArrayList<>();

        @Override
        public void subscribed(FrameworkID frameworkId, MasterInfo master) {
            subscriptions.add(frameworkId);
        }

        @Override
        public void event(Event event) {
            events.add(event.getType());
        }

        @Override
        public void disconnected(String reason) {
        }
    }

    static MesosClient client(String master, ContentType type, Recorder recorder, String principal, String secret) {
        FrameworkInfo info = FrameworkInfo.newBuilder().setUser("root").setName("conformance").setFailoverTimeout(60)
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.PARTITION_AWARE))
                .build();
        return new MesosClient(new MesosClient.Settings(master, type, info, Duration.ofMillis(100), Duration.ofSeconds(1),
                Optional.ofNullable(principal), Optional.ofNullable(secret)), Optional::empty, recorder);
    }

    @ParameterizedTest
    @EnumSource(ContentType.class)
    void resubscribesWithTheSameIdAfterStreamLossAndMissedHeartbeats(ContentType type) throws Exception {
        try (MesosLocalCluster cluster = MesosLocalCluster.builder(work).agents(1).heartbeatInterval(Duration.ofMillis(300)).start()) {
            Recorder recorder = new Recorder();
            MesosClient client = client(cluster.masterUrl(), type, recorder, null, null);
            client.start();
            try {
                FrameworkID first = recorder.subscriptions.poll(10, TimeUnit.SECONDS);
                assertThat(first).isNotNull();
                await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.contains(Event.Type.OFFERS));

                cluster.master().dropSubscriptions();
                assertThat(recorder.subscriptions.poll(10, TimeUnit.SECONDS)).isEqualTo(first);

                // a stream that stays open but goes silent is abandoned after 5 missed heartbeats
                cluster.master().muteSubscriptions();
                assertThat(recorder.subscriptions.poll(10, TimeUnit.SECONDS)).isEqualTo(first);
                assertThat(client.isSubscribed()).isTrue();
            } finally {
                client.close();
            }
        }
    }

    @Test
    void followsA307FromAStandbyMasterToTheLeader() throws Exception {
        try (io.mesosoperator.local.EmbeddedZooKeeper zk = io.mesosoperator.local.EmbeddedZooKeeper.start("127.0.0.1", 0, work.resolve("zk"));
             MesosLocalCluster cluster = MesosLocalCluster.builder(work.resolve("mesos")).agents(1).masters(2)
                     .zookeeper(zk.connectString(), "/mesos").start()) {
            String standby = cluster.masters().get(1).url();
            Recorder recorder = new Recorder();
            MesosClient client = client(standby, ContentType.JSON, recorder, null, null);
            client.start();
            try {
                assertThat(recorder.subscriptions.poll(10, TimeUnit.SECONDS)).isNotNull();
                assertThat(client.master()).startsWith(cluster.master().url());
            } finally {
                client.close();
            }
        }
    }

    /**
     * A real master restarted on its old address redirects SUBSCRIBE to the leader its ZooKeeper
     * group still names until the dead process' session expires: itself. The client backs off
     * instead of following that redirect in a tight loop (it sent thousands of SUBSCRIBEs a second).
     */
    @Test
    void aMasterThatRedirectsToItselfIsNotElectedYetAndTheClientBacksOff() throws Exception {
        java.util.concurrent.atomic.AtomicInteger subscribes = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer master = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        master.createContext("/api/v1/scheduler", exchange -> {
            subscribes.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Location", "//127.0.0.1:" + master.getAddress().getPort() + "/api/v1/scheduler");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        master.start();
        MesosClient client = client("http://127.0.0.1:" + master.getAddress().getPort(), ContentType.JSON, new Recorder(), null, null);
        try {
            client.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> subscribes.get() >= 2);
            // backoff from 100 ms doubling to 1 s: a handful of attempts over 1.5 s, not thousands
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> subscribes.get() <= 12);
            assertThat(client.isSubscribed()).isFalse();
        } finally {
            client.close();
            master.stop(0);
        }
    }

    @Test
    void authenticatesWithHttpBasicWhenTheMasterRequiresIt() throws Exception {
        try (MesosLocalCluster cluster = MesosLocalCluster.builder(work).agents(1)
                .credentials(Map.of("operator", "s3cret")).start()) {
            Recorder refused = new Recorder();
            MesosClient wrong = client(cluster.masterUrl(), ContentType.PROTOBUF, refused, "operator", "guess");
            wrong.start();
            Recorder accepted = new Recorder();
            MesosClient right = client(cluster.masterUrl(), ContentType.PROTOBUF, accepted, "operator", "s3cret");
            right.start();
            try {
                assertThat(accepted.subscriptions.poll(10, TimeUnit.SECONDS)).isNotNull();
                assertThat(refused.subscriptions.poll(2, TimeUnit.SECONDS)).isNull();
                assertThat(wrong.isSubscribed()).isFalse();
            } finally {
                wrong.close();
                right.close();
            }
        }
    }

    /**
     * REVIVE and SUPPRESS reach the master in the order they were decided, each after every call
     * before it was answered: on several connections a later REVIVE overtook a SUPPRESS on a real
     * master, which left the framework suppressed while an instance waited for offers.
     */
    @Test
    void offerInterestCallsReachTheMasterInTheOrderTheyWereSentEvenBehindASlowCall() throws Exception {
        List<String> arrivals = new CopyOnWriteArrayList<>();
        List<String> answered = new CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer master = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        master.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        master.createContext("/api/v1/scheduler", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            String type = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(body).path("type").asText();
            if (type.equals("SUBSCRIBE")) {
                byte[] event = "{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"f1\"},\"heartbeat_interval_seconds\":60}}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("Mesos-Stream-Id", "stream-1");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write((event.length + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                exchange.getResponseBody().write(event);
                exchange.getResponseBody().flush();
                return; // the stream stays open until the client goes
            }
            arrivals.add(type);
            if (type.equals("DECLINE")) {
                try {
                    Thread.sleep(300); // a slow answer: what was queued after it must not overtake it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answered.add(type);
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        master.start();
        Recorder recorder = new Recorder();
        MesosClient client = client("http://127.0.0.1:" + master.getAddress().getPort(), ContentType.JSON, recorder, null, null);
        try {
            client.start();
            assertThat(recorder.subscriptions.poll(10, TimeUnit.SECONDS)).isNotNull();
            org.apache.mesos.v1.scheduler.Protos.Call.Builder decline = org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                    .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.DECLINE)
                    .setDecline(org.apache.mesos.v1.scheduler.Protos.Call.Decline.newBuilder()
                            .addOfferIds(org.apache.mesos.v1.Protos.OfferID.newBuilder().setValue("o1")));
            client.send(decline);
            client.send(org.apache.mesos.v1.scheduler.Protos.Call.newBuilder().setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.SUPPRESS));
            client.send(org.apache.mesos.v1.scheduler.Protos.Call.newBuilder().setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.REVIVE));
            client.send(decline);

            await().atMost(Duration.ofSeconds(10)).until(() -> answered.size() == 4);
            assertThat(arrivals).containsExactly("DECLINE", "SUPPRESS", "REVIVE", "DECLINE");
            assertThat(answered).containsExactly("DECLINE", "SUPPRESS", "REVIVE", "DECLINE");
        } finally {
            client.close();
            master.stop(0);
        }
    }
}
