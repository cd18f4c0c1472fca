package org.nntune.tune.sampler;

/**
 * The standard normal distribution and its truncations, to double precision, for the Parzen
 * estimators of TPE: {@code erfc} (series below 2, continued fraction above), the CDF and its
 * logarithm without underflow in the tails, the log of the mass between two points, the inverse
 * CDF (a rational first guess refined by Halley steps) and inverse-CDF sampling of a truncated
 * normal.
 */
final class TruncNorm {
    private TruncNorm() {}

    private static final double SQRT2 = Math.sqrt(2);
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    /** erf(x) for |x| < 2.5 by the series 2/√π e^{-x²} Σ (2x²)^n x / (2n+1)!!, all terms positive. */
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 0; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 3);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return 2 / SQRT_PI * Math.exp(-x2) * sum;
    }

    /** e^{z²} erfc(z) for z >= 2, by the continued fraction 1/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))). */
    private static double erfcxFraction(double z) {
        // modified Lentz
        double tiny = 1e-300;
        double f = z;
        double c = z;
        double d = 0;
        for (int k = 1; k < 500; k++) {
            double a = k / 2.0;
            d = z + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = z + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return 1 / (SQRT_PI * f);
    }

    /** The complementary error function. */
    static double erfc(double z) {
        if (z < 0) {
            return 2 - erfc(-z);
        }
        if (z < 2) {
            return 1 - erfSeries(z);
        }
        return Math.exp(-z * z) * erfcxFraction(z);
    }

    /** log erfc(z), finite for every finite z. */
    static double logErfc(double z) {
        if (z < 2) {
            return Math.log(erfc(z));
        }
        return -z * z + Math.log(erfcxFraction(z));
    }

    /** The standard normal CDF Φ(x). */
    static double cdf(double x) {
        return 0.5 * erfc(-x / SQRT2);
    }

    /** log Φ(x), accurate far into the lower tail. */
    static double logCdf(double x) {
        return Math.log(0.5) + logErfc(-x / SQRT2);
    }

    /** log(Φ(b) − Φ(a)) for a <= b, computed in the tail where it is accurate. */
    static double logMass(double a, double b) {
        if (a >= b) {
            return Double.NEGATIVE_INFINITY;
        }
        if (a > 0) {
            return logMass(-b, -a);
        }
        if (a < -8.5 && b > 8.5) {
            return 0; // both tails below 1e-17
        }
        if (b <= 0) {
            double lb = logCdf(b);
            double la = logCdf(a);
            return lb + Math.log1p(-Math.exp(la - lb));
        }
        // a <= 0 < b: the central mass 1 − Φ(a) − Φ(−b)
        return Math.log1p(-cdf(a) - cdf(-b));
    }

    /** The inverse standard normal CDF for p in (0, 1). */
    static double ppf(double p) {
        if (p <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (p >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        double x;
        double pLow = 0.02425;
        if (p < pLow) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
                    - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
                    / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
                    + 3.754408661907416e+00) * q + 1);
        } else if (p <= 1 - pLow) {
            double q = p - 0.5;
            double r = q * q;
            x = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                    + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
                    / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                    + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1);
        } else {
            return -ppf(1 - p);
        }
        // Halley refinement against the accurate CDF
        for (int i = 0; i < 2; i++) {
            double e = cdf(x) - p;
            double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
            x = x - u / (1 + x * u / 2);
        }
        return x;
    }

    /**
     * A standard normal truncated to [a, b], from a uniform {@code u} in [0, 1) by the inverse CDF
     * (on the lower tail, mirrored when the interval is above 0, so that it stays accurate).
     */
    static double sample(double a, double b, double u) {
        if (a > 0) {
            return -sample(-b, -a, u);
        }
        double pa = cdf(a);
        double pb = cdf(b);
        double x = ppf(pa + u * (pb - pa));
        if (Double.isNaN(x)) {
            x = a;
        }
        return Math.max(a, Math.min(b, x));
    }
}
