package io.mesosoperator.scheduler.monitor;

import io.mesosoperator.scheduler.anomaly.Anomaly;
import io.mesosoperator.scheduler.anomaly.DailyProfile;
import io.mesosoperator.scheduler.anomaly.DetectorSettings;
import io.mesosoperator.scheduler.anomaly.SeasonalDetector;
import io.mesosoperator.scheduler.events.EventRecorder;
import io.mesosoperator.scheduler.metrics.Rounds;
import io.mesosoperator.scheduler.metrics.SeriesReader;
import io.mesosoperator.scheduler.spec.Resource;
import io.mesosoperator.scheduler.spec.ResourceKey;
import io.mesosoperator.scheduler.store.Condition;
import io.mesosoperator.scheduler.store.ResourceReads;
import io.mesosoperator.scheduler.store.ResourceStatus;
import io.mesosoperator.scheduler.store.TaskRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches exported series for anomalies, on the leading operator: every interval it reads the
 * watched families back from the registry ({@link SeriesReader}, so any collector's series is
 * watched by name, as Prometheus scrapes it), feeds each series to a detector of its own, and
 * maps a flagged series to its resource by its labels ({@link SeriesOwner}). A new deviation is
 * recorded as an {@code AnomalyDetected} event with its evidence and the changes found in its
 * window, ranked as likely causes ({@link Correlation}); the resource's {@code Anomalous} condition
 * is True while any of its series deviates and False once none does ({@code AnomalyCleared}).
 * Runs on a thread of its own, never the reconcile loop; a follower watches nothing.
 */
public final class AnomalyMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AnomalyMonitor.class);
    static final String DETECTED = "AnomalyDetected";
    static final String CLEARED = "AnomalyCleared";

    /**
     * How the monitor works.
     *
     * @param interval          how often the watched series are read (no shorter than the collectors' interval,
     *                          or a series is read twice between two collections)
     * @param detector          how each series is judged (its absoluteFloor is the watched family's)
     * @param correlationWindow how long before an anomaly's start a change counts as correlated
     * @param watched           the families watched
     */
    public record Settings(Duration interval, DetectorSettings detector, Duration correlationWindow, List<WatchedSeries> watched) {
        public Settings {
            watched = List.copyOf(watched);
        }
    }

    /** A watched series: whether its baseline is learnt, its usual value now, and whether it follows a daily pattern. */
    public record Watching(String selector, boolean warmedUp, double baseline, boolean seasonal) {}

    /** What the monitor reads and writes on the acting operator. */
    public record Acting(ResourceReads reads, EventRecorder events, BiConsumer<ResourceKey, Condition> conditions,
                         KeptProfiles profiles) {}

    /** Where the series' learnt daily shapes outlive a leader (the store): read once a term per resource, saved every slot. */
    public record KeptProfiles(java.util.function.Function<ResourceKey, Map<String, DailyProfile.Saved>> load,
                               BiConsumer<ResourceKey, Map<String, DailyProfile.Saved>> save) {}

    /** How often the learnt daily shapes are saved: once a slot of the day (what a new leader would miss at most). */
    static final Duration SAVE_EVERY = Duration.ofMinutes(15);

    /** One watched series and its detector. */
    private static final class Tracked {
        final WatchedSeries family;
        final String name;
        final Map<String, String> labels;
        final ResourceKey owner;
        final SeasonalDetector detector;
        Instant lastAt;
        double lastRaw = Double.NaN;
        int absentRounds;
        /** The deviation an event was recorded for (null: none now). */
        Anomaly reported;
        List<CorrelatedChange> correlated = List.of();

        Tracked(WatchedSeries family, SeriesReader.Sample sample, ResourceKey owner, DetectorSettings settings) {
            this.family = family;
            this.name = sample.name();
            this.labels = new TreeMap<>(sample.labels());
            this.owner = owner;
            this.detector = new SeasonalDetector(settings);
        }

        /** The point to judge: the value, or for a counter its rate since the last read (none at first or after a reset). */
        Double point(Instant at, double raw) {
            double previous = lastRaw;
            Instant previousAt = lastAt;
            lastRaw = raw;
            lastAt = at;
            if (!family.rate()) {
                return raw;
            }
            if (previousAt == null || Double.isNaN(previous) || raw < previous || !at.isAfter(previousAt)) {
                return null; // a counter that went down was restarted: its rate over the gap is unknown
            }
            return (raw - previous) / (Duration.between(previousAt, at).toNanos() / 1e9);
        }
    }

    private final Settings settings;
    private final SeriesOwner owners;
    private final SeriesReader reader;
    private final Supplier<Acting> acting;
    private final Clock clock;
    private final Map<String, Tracked> tracked = new LinkedHashMap<>(); // monitor thread only
    /** The daily shapes kept for each resource, read once in this term (monitor thread only). */
    private final Map<ResourceKey, Map<String, DailyProfile.Saved>> kept = new HashMap<>();
    private Instant nextSave;
    private volatile Map<ResourceKey, List<Finding>> findings = Map.of();
    private volatile Map<ResourceKey, List<Watching>> watching = Map.of();
    private final Rounds rounds;

    /**
     * @param kinds  the kinds the operator runs (their names, e.g. KafkaCluster), for series labelled by kind
     * @param acting the acting term's reads and writes (null while this instance does not lead)
     */
    public AnomalyMonitor(Settings settings, Collection<String> kinds, SeriesReader reader, Supplier<Acting> acting, Clock clock) {
        this.settings = settings;
        this.owners = new SeriesOwner(kinds);
        this.reader = reader;
        this.acting = acting;
        this.clock = clock;
        this.rounds = new Rounds("anomaly-monitor", settings.interval(), settings.interval(), this::round);
    }

    public void start() {
        rounds.start();
    }

    @Override
    public void close() {
        rounds.close();
    }

    /** The series of a resource deviating now, most recent start first (empty when none, or when this instance does not lead). */
    public List<Finding> findings(ResourceKey key) {
        return findings.getOrDefault(key, List.of());
    }

    /** The series of a resource watched now (empty when none, or when this instance does not lead). */
    public List<Watching> watching(ResourceKey key) {
        return watching.getOrDefault(key, List.of());
    }

    /** The settings the monitor runs with (for the diagnosis to say what is watched). */
    public Settings settings() {
        return settings;
    }

    /** One round: read every watched series, judge it, and bring findings, events and conditions up to date. */
    synchronized void round() {
        Acting act = acting.get();
        if (act == null) {
            tracked.clear(); // the leader watches; baselines start afresh if this instance leads again (daily shapes are kept)
            kept.clear();
            nextSave = null;
            findings = Map.of();
            watching = Map.of();
            return;
        }
        Instant now = clock.instant();
        Set<ResourceKey> resources = act.reads().resources().stream().map(Resource::key).collect(Collectors.toSet());
        for (WatchedSeries family : settings.watched()) {
            for (SeriesReader.Sample sample : reader.read(family.name(), family.labels())) {
                ResourceKey owner = owners.of(sample.labels());
                if (owner == null || !resources.contains(owner)) {
                    continue;
                }
                String id = family.name() + new TreeMap<>(sample.labels());
                Tracked t = tracked.computeIfAbsent(id, k -> track(act, family, sample, owner, k));
                if (t.family != family) {
                    continue; // already watched as part of an earlier family
                }
                t.absentRounds = -1;
                Double point = t.point(now, sample.value());
                if (point != null) {
                    t.detector.observe(now, point);
                }
            }
        }
        int forgetAfter = Math.max(settings.detector().warmUp(), 20);
        for (Iterator<Tracked> it = tracked.values().iterator(); it.hasNext(); ) {
            Tracked t = it.next();
            t.absentRounds++;
            if (!resources.contains(t.owner) || t.absentRounds > forgetAfter) {
                it.remove(); // a deleted resource's series, or one gone for long (a task that is not coming back)
            } else if (t.absentRounds > 0) {
                t.lastAt = null; // a counter's rate is not taken across a gap
            }
        }
        report(act, now);
        if (nextSave == null) {
            nextSave = now.plus(SAVE_EVERY);
        } else if (!now.isBefore(nextSave)) {
            saveProfiles(act, resources);
            nextSave = now.plus(SAVE_EVERY);
        }
    }

    /** A series seen for the first time in this term: its detector, going on from the daily shape kept for it. */
    private Tracked track(Acting act, WatchedSeries family, SeriesReader.Sample sample, ResourceKey owner, String id) {
        Tracked t = new Tracked(family, sample, owner, detectorSettings(family));
        DailyProfile.Saved saved = kept.computeIfAbsent(owner, key -> {
            try {
                return act.profiles().load().apply(key);
            } catch (RuntimeException e) {
                LOG.warn("cannot read the daily shapes kept for {}: learning them afresh ({})", key, e.toString());
                return Map.of();
            }
        }).get(id);
        if (saved != null && !t.detector.restoreDay(saved)) {
            LOG.info("the daily shape kept for {} was learnt with other slots: learning it afresh", id);
        }
        return t;
    }

    /** Saves each resource's learnt daily shapes, for the next leader. */
    private void saveProfiles(Acting act, Set<ResourceKey> resources) {
        Map<ResourceKey, Map<String, DailyProfile.Saved>> byOwner = new HashMap<>();
        tracked.forEach((id, t) -> {
            DailyProfile.Saved saved = t.detector.savedDay();
            if (saved != null) {
                byOwner.computeIfAbsent(t.owner, k -> new TreeMap<>()).put(id, saved);
            }
        });
        byOwner.forEach((owner, profiles) -> {
            if (!resources.contains(owner)) {
                return;
            }
            try {
                act.profiles().save().accept(owner, profiles);
                kept.put(owner, profiles);
            } catch (RuntimeException e) {
                LOG.warn("cannot keep the daily shapes of {} for the next leader: {}", owner, e.toString());
            }
        });
    }

    private DetectorSettings detectorSettings(WatchedSeries family) {
        DetectorSettings d = settings.detector();
        return new DetectorSettings(d.alpha(), d.warmUp(), d.threshold(), d.sustain(), d.recover(), d.clip(), d.relativeFloor(),
                family.absoluteFloor(), d.rebaselineAfter());
    }

    /** Events for deviations that began or ended, the findings for diagnose, and each resource's Anomalous condition. */
    private void report(Acting act, Instant now) {
        List<Tracked> deviating = tracked.values().stream().filter(t -> t.detector.current().isPresent()).toList();
        List<CorrelatedChange> candidates = candidates(act, deviating);
        Map<ResourceKey, List<Finding>> next = new HashMap<>();
        for (Tracked t : tracked.values()) {
            Anomaly anomaly = t.detector.current().orElse(null);
            if (anomaly == null) {
                if (t.reported != null) {
                    act.events().record(t.owner, "Normal", CLEARED, new Finding(t.owner, t.name, t.labels, t.family.rate(),
                            t.reported, List.of()).headline() + ": back within its baseline");
                    t.reported = null;
                    t.correlated = List.of();
                }
                continue;
            }
            boolean fresh = t.reported == null || !t.reported.since().equals(anomaly.since());
            String self = new Finding(t.owner, t.name, t.labels, t.family.rate(), anomaly, List.of()).headline();
            List<CorrelatedChange> found = new ArrayList<>(fresh ? List.of() : t.correlated);
            found.addAll(candidates.stream().filter(c -> !c.what().equals(self)).toList());
            t.correlated = Correlation.rank(t.owner, anomaly.since(), settings.correlationWindow(), now, found);
            Finding finding = new Finding(t.owner, t.name, t.labels, t.family.rate(), anomaly, t.correlated);
            if (fresh) {
                act.events().record(t.owner, "Warning", DETECTED, finding.evidence());
                LOG.info("{} anomalous: {}", t.owner, finding.evidence());
                t.reported = anomaly;
            }
            next.computeIfAbsent(t.owner, k -> new ArrayList<>()).add(finding);
        }
        next.values().forEach(list -> list.sort((a, b) -> b.anomaly().since().compareTo(a.anomaly().since())));
        findings = Map.copyOf(next);
        Map<ResourceKey, List<Watching>> watched = new HashMap<>();
        tracked.values().forEach(t -> watched.computeIfAbsent(t.owner, k -> new ArrayList<>()).add(new Watching(
                Finding.selector(t.name, t.labels, t.family.rate()), t.detector.warmedUp(), t.detector.baseline(),
                t.detector.seasonal())));
        watching = Map.copyOf(watched);
        updateConditions(act, next);
    }

    /** Everything that changed which may explain a deviation: events of every resource, unreachable tasks, other deviations. */
    private List<CorrelatedChange> candidates(Acting act, List<Tracked> deviating) {
        if (deviating.isEmpty()) {
            return List.of();
        }
        List<CorrelatedChange> out = new ArrayList<>();
        for (Resource r : act.reads().resources()) {
            act.reads().events(r.key()).forEach(e -> out.add(Correlation.fromEvent(r.key(), e)));
        }
        for (TaskRecord task : act.reads().tasks()) {
            out.add(Correlation.fromTask(task));
        }
        for (Tracked other : deviating) {
            Anomaly a = other.detector.current().orElseThrow();
            out.add(new CorrelatedChange(a.since(), CorrelatedChange.Category.ANOMALY, other.owner, DETECTED,
                    new Finding(other.owner, other.name, other.labels, other.family.rate(), a, List.of()).headline()));
        }
        out.removeIf(java.util.Objects::isNull);
        return out;
    }

    /**
     * Anomalous is True while a series of the resource deviates; it turns False when none does, or,
     * for a condition this instance did not set (a previous leader's), once the resource's series have
     * warmed up here without a deviation (or it has none watched).
     */
    private void updateConditions(Acting act, Map<ResourceKey, List<Finding>> now) {
        Map<ResourceKey, Boolean> warming = new HashMap<>();
        tracked.values().forEach(t -> warming.merge(t.owner, !t.detector.warmedUp(), Boolean::logicalOr));
        for (Resource r : act.reads().resources()) {
            ResourceKey key = r.key();
            ResourceStatus status = act.reads().status(key);
            Condition current = status == null ? null : status.condition(Condition.ANOMALOUS);
            List<Finding> deviating = now.get(key);
            Condition desired;
            if (deviating != null) {
                desired = Condition.of(Condition.ANOMALOUS, true, "SustainedDeviation", deviating.size() + " series deviate"
                        + " from their baseline: " + deviating.stream().map(Finding::headline).collect(Collectors.joining("; "))
                        + " (diagnose shows the evidence and correlated changes)");
            } else if (current != null && current.isTrue() && !warming.getOrDefault(key, false)) {
                desired = Condition.of(Condition.ANOMALOUS, false, "NoDeviation", "every watched series is within its baseline");
            } else {
                continue;
            }
            if (current == null || !current.status().equals(desired.status()) || !current.reason().equals(desired.reason())
                    || !current.message().equals(desired.message())) {
                act.conditions().accept(key, desired);
            }
        }
    }
}
