package io.mesosoperator.scheduler.mesos;

import io.mesosoperator.mesos.Backoff;
import io.mesosoperator.mesos.ContentType;
import io.mesosoperator.mesos.RecordIo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The v1 scheduler HTTP API client (docs/scheduler-http-api.md): keeps one SUBSCRIBE stream open
 * (re-subscribing with capped, jittered exponential backoff when it breaks, when the master sends
 * ERROR, or when HEARTBEATs stop), follows 307 redirects to the leading master, and sends every
 * other call on separate connections with the current Mesos-Stream-Id.
 */
public final class MesosClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MesosClient.class);
    /** Missing this many heartbeat intervals means the stream is dead (scheduler.proto). */
    private static final int MISSED_HEARTBEATS = 5;

    public interface Listener {
        /** Called once per successful (re-)subscription. */
        void subscribed(FrameworkID frameworkId, MasterInfo master);

        /** Every event other than SUBSCRIBED and HEARTBEAT, in stream order. */
        void event(Event event);

        void disconnected(String reason);
    }

    public record Settings(
            String masterUrl,
            ContentType contentType,
            FrameworkInfo frameworkInfo,
            Duration minBackoff,
            Duration maxBackoff,
            Optional<String> principal,
            Optional<String> secret) {}

    private final Settings settings;
    private final Supplier<Optional<FrameworkID>> savedFrameworkId;
    private final Listener listener;
    private static final int MAX_IN_FLIGHT = 16;
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
    private final java.util.concurrent.ConcurrentLinkedQueue<Outgoing> outgoing = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<Outgoing> acknowledgements = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Calls other than acknowledgements on the wire, and whether one of them is a barrier (see drain). */
    private int ordinaryInFlight;
    private boolean barrierInFlight;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final MasterDetector detector;
    private volatile URI endpoint;
    /** Released at each leader change, so a backoff ends when a new master leads. */
    private final java.util.concurrent.Semaphore leaderChanges = new java.util.concurrent.Semaphore(0);
    /** Redirects followed in a row without a subscription (see {@link #MAX_REDIRECTS}). */
    private int redirectsInARow;
    /**
     * A chain of redirects longer than this (or one back to the master just asked) means no master
     * leads yet: a master that is not elected redirects to the leader its ZooKeeper group still
     * names, and right after a master restarts on the same address that is the dead process' entry,
     * i.e. itself, until its ZooKeeper session expires.
     */
    private static final int MAX_REDIRECTS = 3;
    private volatile String streamId;
    private volatile FrameworkID frameworkId;
    private volatile InputStream stream;
    private volatile long lastEventNanos;
    private volatile double heartbeatSeconds = 15;
    private volatile boolean running;
    private Thread subscriber;
    private Thread watchdog;

    public MesosClient(Settings settings, Supplier<Optional<FrameworkID>> savedFrameworkId, Listener listener) {
        this.settings = settings;
        this.savedFrameworkId = savedFrameworkId;
        this.listener = listener;
        this.detector = MasterDetector.forUrl(settings.masterUrl());
        this.detector.onLeaderChange(this::leaderChanged);
    }

    /**
     * A new master leads: drop the current stream so the loop subscribes to the new leader, and
     * cut short a backoff the loop may be waiting out (the wait was for the master that is gone).
     */
    private void leaderChanged() {
        endpoint = null;
        leaderChanges.release();
        InputStream current = stream;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // abandoning it
            }
        }
    }

    public void start() {
        running = true;
        subscriber = new Thread(this::subscribeLoop, "mesos-subscriber");
        subscriber.setDaemon(true);
        subscriber.start();
        watchdog = new Thread(this::watchHeartbeats, "mesos-heartbeat-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    public boolean isSubscribed() {
        return streamId != null;
    }

    public String master() {
        return endpoint == null ? settings.masterUrl() : endpoint.toString();
    }

    // ---------------------------------------------------------------- subscription

    private void subscribeLoop() {
        Backoff.Retries retries = Backoff.doubling(settings.minBackoff(), settings.maxBackoff()).retries();
        while (running) {
            String outcome;
            leaderChanges.drainPermits(); // a change from now on shortens the backoff after this attempt
            try {
                if (endpoint == null) {
                    endpoint = detector.detect().resolve("/api/v1/scheduler");
                }
                outcome = subscribeOnce();
                if (outcome == null) {
                    continue; // redirected: try the new leader at once
                }
            } catch (IOException e) {
                outcome = "connection to " + endpoint + " failed: " + (e.getMessage() != null ? e.getMessage() : e);
                endpoint = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                outcome = "unexpected error: " + e;
                LOG.warn("Mesos subscription failed", e);
                endpoint = null;
            }
            boolean wasSubscribed = streamId != null;
            streamId = null;
            stream = null;
            if (!running) {
                return;
            }
            if (wasSubscribed) {
                retries.reset();
                listener.disconnected(outcome);
            }
            long jittered = Backoff.jittered(retries.nextDelay()).toMillis();
            LOG.warn("not subscribed to Mesos ({}); retrying in {} ms", outcome, jittered);
            try {
                if (leaderChanges.tryAcquire(jittered, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    LOG.info("a new Mesos master leads: subscribing now");
                    retries.reset();
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs one subscription until it ends; returns why it ended, or null after a redirect. */
    private String subscribeOnce() throws IOException, InterruptedException {
        // the endpoint as this attempt knows it: a leader change nulls the field meanwhile
        URI target = endpoint;
        if (target == null) {
            return "the leading master changed";
        }
        FrameworkInfo.Builder info = settings.frameworkInfo().toBuilder();
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE);
        Optional<FrameworkID> id = frameworkId != null ? Optional.of(frameworkId) : savedFrameworkId.get();
        id.ifPresent(fid -> {
            info.setId(fid);
            call.setFrameworkId(fid);
        });
        call.setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
        ContentType type = settings.contentType();
        HttpRequest request = authorize(HttpRequest.newBuilder(target))
                .header("Content-Type", type.mediaType())
                .header("Accept", type.mediaType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(type.encode(call.build())))
                .build();
        LOG.info("subscribing to Mesos master {} as {}{}", target, info.getName(),
                id.map(f -> " with framework id " + f.getValue()).orElse(" (new framework)"));
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status == 307) {
            String location = response.headers().firstValue("Location").orElse("");
            response.body().close();
            URI leader = resolveRedirect(target, location);
            if (leader.equals(target) || ++redirectsInARow > MAX_REDIRECTS) {
                redirectsInARow = 0;
                endpoint = null; // ask ZooKeeper again after the backoff
                return "the master at " + target + " is not elected yet (it redirects to " + leader + ")";
            }
            endpoint = leader;
            LOG.info("master redirected us to the leader at {}", leader);
            return null;
        }
        redirectsInARow = 0;
        if (status != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (status == 401 || status == 403) {
                return "master refused our credentials (" + status + "): " + body;
            }
            endpoint = null;
            return "SUBSCRIBE answered " + status + ": " + body;
        }
        String newStreamId = response.headers().firstValue("Mesos-Stream-Id").orElse(null);
        stream = response.body();
        lastEventNanos = System.nanoTime();
        RecordIo.Reader reader = new RecordIo.Reader(stream);
        try {
            for (byte[] record = reader.next(); record != null; record = reader.next()) {
                lastEventNanos = System.nanoTime();
                Event event = type.decode(record, Event.newBuilder()).build();
                switch (event.getType()) {
                    case SUBSCRIBED -> {
                        frameworkId = event.getSubscribed().getFrameworkId();
                        heartbeatSeconds = event.getSubscribed().hasHeartbeatIntervalSeconds()
                                ? event.getSubscribed().getHeartbeatIntervalSeconds() : 15;
                        streamId = newStreamId;
                        LOG.info("subscribed to Mesos master {} as framework {} (heartbeat every {}s)",
                                event.getSubscribed().getMasterInfo().getId(), frameworkId.getValue(), heartbeatSeconds);
                        listener.subscribed(frameworkId, event.getSubscribed().getMasterInfo());
                    }
                    case HEARTBEAT -> LOG.trace("heartbeat");
                    case ERROR -> {
                        listener.event(event);
                        return "master sent ERROR: " + event.getError().getMessage();
                    }
                    default -> listener.event(event);
                }
            }
            return "master closed the event stream";
        } catch (IOException e) {
            return "event stream broke: " + e.getMessage();
        } finally {
            stream.close();
        }
    }

    /** Mesos redirects with a protocol-relative Location such as //host:5050/api/v1/scheduler. */
    static URI resolveRedirect(URI current, String location) {
        if (location.startsWith("//")) {
            return URI.create(current.getScheme() + ":" + location).resolve("/api/v1/scheduler");
        }
        if (location.startsWith("http://") || location.startsWith("https://")) {
            return URI.create(location).resolve("/api/v1/scheduler");
        }
        return URI.create(current.getScheme() + "://" + location).resolve("/api/v1/scheduler");
    }

    private void watchHeartbeats() {
        while (running) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            InputStream current = stream;
            long silentNanos = System.nanoTime() - lastEventNanos;
            if (current != null && silentNanos > (long) (heartbeatSeconds * MISSED_HEARTBEATS * 1e9)) {
                LOG.warn("no event from the master for {}s ({} heartbeats missed); reconnecting",
                        silentNanos / 1_000_000_000L, MISSED_HEARTBEATS);
                try {
                    current.close();
                } catch (IOException ignored) {
                    // the stream is being abandoned anyway
                }
            }
        }
    }

    // ---------------------------------------------------------------- calls

    /**
     * Sends a call (framework id and stream id filled in). Returns false when not subscribed: the
     * caller's state stays as it was and the next subscription's reconciliation will catch up.
     */
    public boolean send(Call.Builder call) {
        String sid = streamId;
        FrameworkID fid = frameworkId;
        URI target = endpoint;
        if (sid == null || fid == null || target == null) {
            LOG.debug("not subscribed; dropping {}", call.getType());
            return false;
        }
        Call built = call.setFrameworkId(fid).build();
        ContentType type = settings.contentType();
        HttpRequest request = authorize(HttpRequest.newBuilder(target))
                .header("Content-Type", type.mediaType())
                .header("Mesos-Stream-Id", sid)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(type.encode(built)))
                .build();
        (built.getType() == Call.Type.ACKNOWLEDGE ? acknowledgements : outgoing).add(new Outgoing(built.getType(), request));
        drain();
        return true;
    }

    private record Outgoing(Call.Type type, HttpRequest request) {}

    /**
     * At most {@link #MAX_IN_FLIGHT} calls on the wire: a burst of thousands of acknowledgements
     * then waits here as small requests instead of opening a connection each (HTTP/1.1 has one
     * request per connection at a time) and swamping the master. Other calls (ACCEPT, REVIVE,
     * KILL...) go first, in order: a launch must not wait behind the acknowledgements of the last
     * ten thousand updates, which Mesos does not need in any order.
     * <p>
     * REVIVE and SUPPRESS are barriers: one leaves only once every call queued before it was
     * answered, and nothing queued after it leaves before it was. Calls on several connections
     * may reach the master in any order, and these must not: a SUPPRESS overtaken by the REVIVE
     * decided after it leaves the framework suppressed while an instance waits (seen on a real
     * master: an instance of a cut-off agent never replaced), and a REVIVE overtaken by a DECLINE
     * queued before it leaves that DECLINE's filter standing.
     */
    private void drain() {
        while (true) {
            Outgoing next;
            synchronized (this) {
                if (!inFlight.tryAcquire()) {
                    return;
                }
                Outgoing head = outgoing.peek();
                boolean mayLeave = head != null && !barrierInFlight && (!isBarrier(head) || ordinaryInFlight == 0);
                if (mayLeave) {
                    next = outgoing.poll();
                    ordinaryInFlight++;
                    barrierInFlight = isBarrier(next);
                } else {
                    next = acknowledgements.poll();
                }
                if (next == null) {
                    inFlight.release();
                    return;
                }
            }
            Outgoing sent = next;
            http.sendAsync(sent.request(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                if (error != null) {
                    LOG.warn("{} call failed: {}", sent.type(), error.getMessage());
                } else if (response.statusCode() != 202 && response.statusCode() != 200) {
                    LOG.warn("{} call answered {}: {}", sent.type(), response.statusCode(), response.body());
                }
                synchronized (this) {
                    if (sent.type() != Call.Type.ACKNOWLEDGE) {
                        ordinaryInFlight--;
                        if (isBarrier(sent)) {
                            barrierInFlight = false;
                        }
                    }
                }
                inFlight.release();
                drain();
            });
        }
    }

    private static boolean isBarrier(Outgoing call) {
        return call.type() == Call.Type.REVIVE || call.type() == Call.Type.SUPPRESS;
    }

    private HttpRequest.Builder authorize(HttpRequest.Builder builder) {
        if (settings.principal().isPresent() && settings.secret().isPresent()) {
            String token = settings.principal().get() + ":" + settings.secret().get();
            builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }

    @Override
    public void close() {
        running = false;
        InputStream current = stream;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        if (subscriber != null) {
            subscriber.interrupt();
        }
        if (watchdog != null) {
            watchdog.interrupt();
        }
        detector.close();
    }
}
