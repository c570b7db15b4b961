package io.mesosoperator.scheduler.anomaly;

import java.time.Instant;
import java.util.Arrays;

/**
 * The shape of a series over the day (UTC): for each slot of the day (15 minutes by default), the median of
 * that slot's daily medians over the last days. Medians on both levels, so one unusual day, or one unusual
 * quarter of an hour, barely moves the shape, while what recurs every day (a nightly batch, a morning peak)
 * is its shape. Kept in primitive arrays (about 3 KB a series with 96 slots and 7 days), since the monitor
 * holds one per watched series. Pure; not thread-safe.
 */
public final class DailyProfile {
    private static final long DAY_SECONDS = 86_400;
    /** Days each slot must have been seen before the shape counts. */
    static final int MIN_DAYS = 2;

    private final int slots;
    private final int keptDays;
    /** Per slot, its last {@code keptDays} daily medians, a ring each: slot s at [s * keptDays, (s + 1) * keptDays). */
    private final float[] dailyMedians;
    private final byte[] days;
    private final byte[] next;
    /** The points of the slot being filled now, of its day. */
    private double[] open = new double[16];
    private int openCount;
    private long openDay = -1;
    private int openSlot = -1;
    /** Per slot, the median of its daily medians; NaN until the slot has {@link #MIN_DAYS}. */
    private final float[] level;
    private double dayLevel = Double.NaN;
    private boolean learned;

    /**
     * @param slots    slots per day (96: 15 minutes each)
     * @param keptDays how many days of each slot are kept (the shape follows a change of habit within about half as many)
     */
    public DailyProfile(int slots, int keptDays) {
        if (slots < 2 || DAY_SECONDS % slots != 0 || keptDays < MIN_DAYS || keptDays > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("slots must divide a day and keptDays be " + MIN_DAYS + " to 127");
        }
        this.slots = slots;
        this.keptDays = keptDays;
        this.dailyMedians = new float[slots * keptDays];
        this.days = new byte[slots];
        this.next = new byte[slots];
        this.level = new float[slots];
        Arrays.fill(level, Float.NaN);
    }

    /**
     * What a profile has learnt, to keep it beyond this process (the store keeps it for the next leader):
     * each slot's last daily medians, how many days each slot has, and where its ring goes on. The slot being
     * filled now is not in it (at most one slot's points are lost).
     */
    public record Saved(int slots, int keptDays, float[] dailyMedians, byte[] days, byte[] next) {}

    public Saved saved() {
        return new Saved(slots, keptDays, dailyMedians.clone(), days.clone(), next.clone());
    }

    /** A profile that goes on from what {@code saved} had learnt; null when it was learnt with other slots or days. */
    public static DailyProfile restore(Saved saved) {
        if (saved == null || saved.dailyMedians() == null || saved.days() == null || saved.next() == null) {
            return null;
        }
        DailyProfile profile;
        try {
            profile = new DailyProfile(saved.slots(), saved.keptDays());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (saved.dailyMedians().length != profile.dailyMedians.length || saved.days().length != profile.slots
                || saved.next().length != profile.slots) {
            return null;
        }
        System.arraycopy(saved.dailyMedians(), 0, profile.dailyMedians, 0, profile.dailyMedians.length);
        for (int slot = 0; slot < profile.slots; slot++) {
            profile.days[slot] = (byte) Math.max(0, Math.min(profile.keptDays, saved.days()[slot]));
            profile.next[slot] = (byte) Math.floorMod(saved.next()[slot], profile.keptDays);
            profile.relevel(slot);
        }
        profile.updateLevels();
        return profile;
    }

    /** Whether anything is learnt yet (a slot of one day at least): nothing worth keeping otherwise. */
    public boolean empty() {
        for (byte d : days) {
            if (d > 0) {
                return false;
            }
        }
        return true;
    }

    public void learn(Instant at, double value) {
        long day = Math.floorDiv(at.getEpochSecond(), DAY_SECONDS);
        int slot = slot(at);
        if (day != openDay || slot != openSlot) {
            closeSlot();
            openDay = day;
            openSlot = slot;
        }
        if (openCount == open.length) {
            open = Arrays.copyOf(open, open.length * 2);
        }
        open[openCount++] = value;
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
        for (float l : level) {
            min = Math.min(min, l);
            max = Math.max(max, l);
        }
        return max - min;
    }

    private int slot(Instant at) {
        return (int) (Math.floorMod(at.getEpochSecond(), DAY_SECONDS) / (DAY_SECONDS / slots));
    }

    private void closeSlot() {
        if (openCount == 0) {
            return;
        }
        int base = openSlot * keptDays;
        dailyMedians[base + next[openSlot]] = (float) median(open, openCount);
        next[openSlot] = (byte) ((next[openSlot] + 1) % keptDays);
        days[openSlot] = (byte) Math.min(keptDays, days[openSlot] + 1);
        openCount = 0;
        relevel(openSlot);
        updateLevels();
    }

    /** The slot's level: the median of its kept daily medians, once it has {@link #MIN_DAYS}. */
    private void relevel(int slot) {
        if (days[slot] < MIN_DAYS) {
            return;
        }
        int base = slot * keptDays;
        double[] kept = new double[days[slot]];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = dailyMedians[base + i];
        }
        level[slot] = (float) median(kept, kept.length);
    }

    /** Whether every slot has its level, and then the day's level: the median of the slots'. */
    private void updateLevels() {
        if (!learned) {
            learned = true;
            for (float l : level) {
                learned &= !Float.isNaN(l);
            }
        }
        if (learned) {
            double[] levels = new double[slots];
            for (int i = 0; i < slots; i++) {
                levels[i] = level[i];
            }
            dayLevel = median(levels, slots);
        }
    }

    private static double median(double[] values, int n) {
        double[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
