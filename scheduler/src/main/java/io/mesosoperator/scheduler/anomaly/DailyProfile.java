package io.mesosoperator.scheduler.anomaly;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape of a series over the day (UTC): for each slot of the day (15 minutes by default), the median of
 * that slot's daily medians over the last days. Medians on both levels, so one unusual day, or one unusual
 * quarter of an hour, barely moves the shape, while what recurs every day (a nightly batch, a morning peak)
 * is its shape. Pure; not thread-safe.
 */
public final class DailyProfile {
    private static final long DAY_SECONDS = 86_400;

    private final int slots;
    private final int keptDays;
    private final List<ArrayDeque<Double>> dailyMedians = new ArrayList<>();
    /** The points of the slot being filled now, of its day. */
    private final List<Double> open = new ArrayList<>();
    private long openDay = -1;
    private int openSlot = -1;
    /** Per slot, the median of its daily medians; NaN until the slot has {@link #MIN_DAYS}. */
    private final double[] level;
    private double dayLevel = Double.NaN;
    private boolean learned;

    /** Days each slot must have been seen before the shape counts. */
    static final int MIN_DAYS = 2;

    /**
     * @param slots    slots per day (96: 15 minutes each)
     * @param keptDays how many days of each slot are kept (the shape follows a change of habit within about half as many)
     */
    public DailyProfile(int slots, int keptDays) {
        if (slots < 2 || DAY_SECONDS % slots != 0 || keptDays < MIN_DAYS) {
            throw new IllegalArgumentException("slots must divide a day and keptDays be at least " + MIN_DAYS);
        }
        this.slots = slots;
        this.keptDays = keptDays;
        this.level = new double[slots];
        Arrays.fill(level, Double.NaN);
        for (int i = 0; i < slots; i++) {
            dailyMedians.add(new ArrayDeque<>());
        }
    }

    public void learn(Instant at, double value) {
        long day = Math.floorDiv(at.getEpochSecond(), DAY_SECONDS);
        int slot = slot(at);
        if (day != openDay || slot != openSlot) {
            closeSlot();
            openDay = day;
            openSlot = slot;
        }
        open.add(value);
    }

    /** Whether every slot of the day has been seen on {@link #MIN_DAYS} days at least. */
    public boolean learned() {
        return learned;
    }

    /** How far the series usually lies above (or below) its daily level at this time of day; 0 until learned. */
    public double offset(Instant at) {
        return learned ? level[slot(at)] - dayLevel : 0;
    }

    /** The difference between the highest and the lowest slot of the shape; 0 until learned. */
    public double range() {
        if (!learned) {
            return 0;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double l : level) {
            min = Math.min(min, l);
            max = Math.max(max, l);
        }
        return max - min;
    }

    private int slot(Instant at) {
        return (int) (Math.floorMod(at.getEpochSecond(), DAY_SECONDS) / (DAY_SECONDS / slots));
    }

    private void closeSlot() {
        if (open.isEmpty()) {
            return;
        }
        ArrayDeque<Double> days = dailyMedians.get(openSlot);
        days.addLast(median(open));
        while (days.size() > keptDays) {
            days.removeFirst();
        }
        open.clear();
        if (days.size() >= MIN_DAYS) {
            level[openSlot] = median(days);
        }
        learned = Arrays.stream(level).noneMatch(Double::isNaN);
        if (learned) {
            dayLevel = median(Arrays.stream(level).boxed().toList());
        }
    }

    private static double median(java.util.Collection<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
