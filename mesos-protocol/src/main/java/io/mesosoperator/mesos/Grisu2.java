package io.mesosoperator.mesos;

import java.math.BigInteger;

/**
 * The digits rapidjson's Writer::Double prints for a double (and so every double a Mesos master or
 * agent puts in JSON): Florian Loitsch's Grisu2 ("Printing Floating-Point Numbers Quickly and
 * Accurately with Integers", 2010). Its digits read back as the same double and are nearly always
 * the fewest, but the last one is not always the correctly rounded one ({@code 1795674353.7980343}
 * where Java and Python print {@code ...342}); only this algorithm gives Mesos' bytes. All 64-bit
 * arithmetic here is unsigned.
 */
final class Grisu2 {
    /** Decimal digits and exponent: the value is {@code digits x 10^exponent}. */
    record Digits(String digits, int exponent) {}

    private static final int CACHED_POWERS = 87;
    private static final int FIRST_CACHED_POWER = -348;
    private static final int CACHED_POWER_STEP = 8;
    private static final long[] POWER_F = new long[CACHED_POWERS];
    private static final int[] POWER_E = new int[CACHED_POWERS];
    private static final long[] POW10 = new long[10];

    static {
        // 10^k for k = -348, -340, ..., 340 as 64-bit significands rounded to nearest, and binary exponents
        for (int i = 0; i < CACHED_POWERS; i++) {
            int k = FIRST_CACHED_POWER + i * CACHED_POWER_STEP;
            BigInteger num = k >= 0 ? BigInteger.TEN.pow(k) : BigInteger.ONE;
            BigInteger den = k >= 0 ? BigInteger.ONE : BigInteger.TEN.pow(-k);
            int e = num.bitLength() - den.bitLength() - 64;
            while (true) {
                BigInteger q = e >= 0 ? num.divide(den.shiftLeft(e)) : num.shiftLeft(-e).divide(den);
                if (q.bitLength() > 64) {
                    e++;
                } else if (q.bitLength() < 64) {
                    e--;
                } else {
                    break;
                }
            }
            // round to nearest: twice the quotient's remainder against the divisor
            BigInteger n = e >= 0 ? num : num.shiftLeft(-e);
            BigInteger d = e >= 0 ? den.shiftLeft(e) : den;
            BigInteger[] qr = n.divideAndRemainder(d);
            BigInteger f = qr[1].shiftLeft(1).compareTo(d) >= 0 ? qr[0].add(BigInteger.ONE) : qr[0];
            if (f.bitLength() > 64) { // rounded up to 2^64
                f = f.shiftRight(1);
                e++;
            }
            POWER_F[i] = f.longValue();
            POWER_E[i] = e;
        }
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private Grisu2() {}

    /** A "do-it-yourself floating point": f x 2^e with a 64-bit unsigned f. */
    private record DiyFp(long f, int e) {
        static DiyFp of(double value) {
            long bits = Double.doubleToRawLongBits(value);
            int biased = (int) ((bits >>> 52) & 0x7ff);
            long significand = bits & 0xfffffffffffffL;
            return biased != 0 ? new DiyFp(significand + (1L << 52), biased - 1075) : new DiyFp(significand, -1074);
        }

        DiyFp minus(DiyFp other) {
            return new DiyFp(f - other.f, e);
        }

        /** The upper 64 bits of the 128-bit product, rounded. */
        DiyFp times(DiyFp other) {
            long a = f >>> 32;
            long b = f & 0xffffffffL;
            long c = other.f >>> 32;
            long d = other.f & 0xffffffffL;
            long ac = a * c;
            long bc = b * c;
            long ad = a * d;
            long bd = b * d;
            long tmp = (bd >>> 32) + (ad & 0xffffffffL) + (bc & 0xffffffffL) + (1L << 31);
            return new DiyFp(ac + (ad >>> 32) + (bc >>> 32) + (tmp >>> 32), e + other.e + 64);
        }

        DiyFp normalize() {
            int shift = Long.numberOfLeadingZeros(f);
            return new DiyFp(f << shift, e - shift);
        }
    }

    /** Grisu2's digits of a finite, positive double. */
    static Digits digits(double value) {
        DiyFp v = DiyFp.of(value);
        // the boundaries halfway to the neighbouring doubles, on the upper one's exponent
        DiyFp plus = new DiyFp((v.f << 1) + 1, v.e - 1).normalize();
        DiyFp minus = v.f == (1L << 52) ? new DiyFp((v.f << 2) - 1, v.e - 2) : new DiyFp((v.f << 1) - 1, v.e - 1);
        minus = new DiyFp(minus.f << (minus.e - plus.e), plus.e);

        // a cached power of ten that brings the upper boundary's exponent into [-60, -32]
        double dk = (-61 - plus.e) * 0.30102999566398114 + 347;
        int k = (int) dk;
        if (dk - k > 0.0) {
            k++;
        }
        int index = (k >> 3) + 1;
        int decimalExponent = -(FIRST_CACHED_POWER + index * CACHED_POWER_STEP);
        DiyFp cached = new DiyFp(POWER_F[index], POWER_E[index]);

        DiyFp w = v.normalize().times(cached);
        DiyFp wPlus = plus.times(cached);
        DiyFp wMinus = minus.times(cached);
        wMinus = new DiyFp(wMinus.f + 1, wMinus.e);
        wPlus = new DiyFp(wPlus.f - 1, wPlus.e);
        return generate(w, wPlus, wPlus.f - wMinus.f, decimalExponent);
    }

    private static Digits generate(DiyFp w, DiyFp mp, long delta, int exponent) {
        int shift = -mp.e;
        long one = 1L << shift;
        long wpW = mp.minus(w).f;
        int p1 = (int) (mp.f >>> shift);
        long p2 = mp.f & (one - 1);
        int kappa = decimalDigits(p1);
        StringBuilder digits = new StringBuilder(20);
        while (kappa > 0) {
            int divisor = (int) POW10[kappa - 1];
            int d = Integer.divideUnsigned(p1, divisor);
            p1 = Integer.remainderUnsigned(p1, divisor);
            if (d != 0 || digits.length() > 0) {
                digits.append((char) ('0' + d));
            }
            kappa--;
            long rest = ((p1 & 0xffffffffL) << shift) + p2;
            if (Long.compareUnsigned(rest, delta) <= 0) {
                round(digits, delta, rest, POW10[kappa] << shift, wpW);
                return new Digits(digits.toString(), exponent + kappa);
            }
        }
        while (true) {
            p2 *= 10;
            delta *= 10;
            int d = (int) (p2 >>> shift);
            if (d != 0 || digits.length() > 0) {
                digits.append((char) ('0' + d));
            }
            p2 &= one - 1;
            kappa--;
            if (Long.compareUnsigned(p2, delta) < 0) {
                // rapidjson 1.1.0 scales by 10^-kappa only below 10^9, else by 0: this makes its last digit
                int i = -kappa;
                round(digits, delta, p2, one, wpW * (i < 9 ? POW10[i] : 0));
                return new Digits(digits.toString(), exponent + kappa);
            }
        }
    }

    /** Moves the last digit down while that brings the digits closer to the value and keeps them in range. */
    private static void round(StringBuilder digits, long delta, long rest, long tenKappa, long wpW) {
        while (Long.compareUnsigned(rest, wpW) < 0 && Long.compareUnsigned(delta - rest, tenKappa) >= 0
                && (Long.compareUnsigned(rest + tenKappa, wpW) < 0
                    || Long.compareUnsigned(wpW - rest, rest + tenKappa - wpW) > 0)) {
            int last = digits.length() - 1;
            digits.setCharAt(last, (char) (digits.charAt(last) - 1));
            rest += tenKappa;
        }
    }

    private static int decimalDigits(int n) {
        int digits = 1;
        for (long limit = 10; (n & 0xffffffffL) >= limit && digits < 10; limit *= 10) {
            digits++;
        }
        return digits;
    }
}
