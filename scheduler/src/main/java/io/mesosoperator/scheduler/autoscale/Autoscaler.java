package io.mesosoperator.scheduler.autoscale;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mesosoperator.scheduler.autoscale.HorizontalScaler.Decision;
import io.mesosoperator.scheduler.autoscale.HorizontalScaler.Reading;
import io.mesosoperator.scheduler.metrics.Rounds;
import io.mesosoperator.scheduler.metrics.SeriesReader;
import io.mesosoperator.scheduler.operator.Operator;
import io.mesosoperator.scheduler.spec.AutoscaleSpec;
import io.mesosoperator.scheduler.spec.KindDefinition;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.ResourceVersionConflict;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler of every resource with {@code spec.autoscale}, run by the leading operator on a
 * thread of its own: every {@code intervalSeconds} it reads the resource's metric from the exported
 * series, lets the resource's {@link HorizontalScaler} decide, and scales by applying the spec with
 * the new count, as a user's apply would (a new generation, a history entry, the {@code SpecScaled}
 * event), conditioned on the resourceVersion it read, so that a user's change in between wins. Each
 * decision is kept in {@code status.autoscale}; scaling, a metric going missing and a failed scale
 * are also events. The scalers' history (recommendations, scale events) lives for a leadership
 * term: a new leader starts afresh, as a restarted Kubernetes controller manager does.
 */
public final class Autoscaler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);
    /**
     * How long a metric may have no value before it is a warning event (the status shows it at
     * once): a new resource's first values take a collector interval or two (15 s each by
     * default), and a CPU rate two readings.
     */
    static final Duration MISSING_GRACE = Duration.ofSeconds(60);

    private static final class State {
        final HorizontalScaler scaler = new HorizontalScaler();
        final MetricSource metric = new MetricSource();
        Instant next;
        /** Since when the metric has had no value (null while it has one); warned once per gap. */
        Instant missingSince;
        boolean missingWarned;
        String lastScaleTime;
    }

    private final Supplier<Operator> acting;
    /** Each kind's count field (the kinds whose schema allows spec.autoscale have one). */
    private final Map<String, String> countFields = new HashMap<>();
    private final SeriesReader series;
    private final Clock clock;
    private final Map<ResourceKey, State> states = new HashMap<>();
    private Operator term;
    private final Rounds rounds;

    /**
     * @param kinds  the kinds the operator runs
     * @param acting the acting term's operator (null while this instance does not lead)
     */
    public Autoscaler(Collection<KindDefinition> kinds, Supplier<Operator> acting, SeriesReader series, Clock clock) {
        kinds.stream().filter(k -> k.countField() != null).forEach(k -> countFields.put(k.kind(), k.countField()));
        this.acting = acting;
        this.series = series;
        this.clock = clock;
        this.rounds = new Rounds("autoscaler", Duration.ofSeconds(1), Duration.ofSeconds(1), this::tick);
    }

    public void start() {
        rounds.start();
    }

    @Override
    public void close() {
        rounds.close();
    }

    /** One round: decides for every autoscaled resource whose interval has come. */
    void tick() {
        Operator operator = acting.get();
        if (operator != term) {
            states.clear();
            term = operator;
        }
        if (operator == null) {
            return;
        }
        Instant now = clock.instant();
        Set<ResourceKey> autoscaled = new HashSet<>();
        for (Resource resource : operator.resources()) {
            String countField = countFields.get(resource.kind());
            AutoscaleSpec spec = countField == null ? null : AutoscaleSpec.of(resource.spec());
            if (spec == null) {
                continue;
            }
            autoscaled.add(resource.key());
            State state = states.computeIfAbsent(resource.key(), k -> new State());
            if (state.next != null && now.isBefore(state.next)) {
                continue;
            }
            state.next = now.plusMillis((long) (spec.intervalSeconds() * 1000));
            decide(operator, resource, countField, spec, state, now);
        }
        states.keySet().retainAll(autoscaled);
    }

    private void decide(Operator operator, Resource resource, String countField, AutoscaleSpec spec, State state, Instant now) {
        ResourceKey key = resource.key();
        int current = resource.spec().path(countField).asInt();
        Reading reading = state.metric.read(series, key, spec, current, now);
        Decision d = state.scaler.decide(spec, current, reading, now);
        String metric = MetricSource.describe(spec.metric());
        String eventType = null;
        String event = null;
        String message = d.message();
        if (d.scales()) {
            String failure = scale(operator, resource, countField, d.desiredReplicas());
            if (failure == null) {
                state.scaler.scaled(d, now);
                state.lastScaleTime = now.toString();
                eventType = "Normal";
                event = d.reason();
                message = "spec." + countField + " " + current + " -> " + d.desiredReplicas() + ": " + metric + ", " + d.message();
            } else {
                eventType = "Warning";
                event = "ScaleFailed";
                message = "spec." + countField + " " + current + " -> " + d.desiredReplicas() + " not applied: " + failure;
            }
        } else if ("MetricMissing".equals(d.reason())) {
            state.missingSince = state.missingSince == null ? now : state.missingSince;
            Duration grace = Duration.ofMillis((long) Math.max(MISSING_GRACE.toMillis(), 3 * spec.intervalSeconds() * 1000));
            if (!state.missingWarned && !now.isBefore(state.missingSince.plus(grace))) {
                state.missingWarned = true;
                eventType = "Warning";
                event = "MetricMissing";
                message = "no value for " + metric + " since " + state.missingSince + ": spec." + countField + " stays " + current;
            }
        }
        if (!"MetricMissing".equals(d.reason())) {
            state.missingSince = null;
            state.missingWarned = false;
        }
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.put("currentReplicas", current);
        status.put("desiredReplicas", d.desiredReplicas());
        status.put("reason", d.reason());
        status.put("message", d.message());
        status.put("metric", metric);
        if (d.value() != null) {
            status.put("value", d.value());
        }
        status.put("target", spec.target());
        if (state.lastScaleTime != null) {
            status.put("lastScaleTime", state.lastScaleTime);
        }
        if (event != null) {
            LOG.info("{} {}: {}", key, event, message);
        }
        operator.autoscaled(key, status, eventType, event, message);
    }

    /** Applies the spec with the new count, as the user's apply would; null when stored, else why not. */
    private static String scale(Operator operator, Resource resource, String countField, int replicas) {
        ObjectNode doc = resource.toJson();
        doc.remove("status");
        ((ObjectNode) doc.get("spec")).put(countField, replicas);
        ((ObjectNode) doc.get("metadata")).put("resourceVersion", operator.resourceVersion(resource));
        try {
            operator.apply(doc);
            return null;
        } catch (ResourceVersionConflict e) {
            return "the spec changed meanwhile (decided again at the next interval)";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}
