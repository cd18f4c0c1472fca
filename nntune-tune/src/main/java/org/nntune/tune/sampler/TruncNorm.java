package org.nntune.tune.sampler;

/**
 * The standard normal distribution and its truncations, to double precision, for the Parzen
 * estimators of TPE: {@code erfc} (Cody's rational approximations), the CDF and its
 * logarithm without underflow in the tails, the log of the mass between two points, the inverse
 * CDF (a rational first guess refined by Halley steps) and inverse-CDF sampling of a truncated
 * normal.
 */
final class TruncNorm {
    private TruncNorm() {}

    private static final double SQRT2 = Math.sqrt(2);
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    // W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969):
    // coefficients of the three rational approximations (|x| <= 0.46875, <= 4, > 4), ~1e-16 relative.
    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
        3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
        2.84423683343917062e03};
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
        1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
        1.23033935480374942e03};
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3};
    private static final double THRESH = 0.46875;

    /** erf(x) for |x| <= 0.46875. */
    private static double erfSmall(double x) {
        double ysq = x * x;
        double num = A[4] * ysq;
        double den = ysq;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * ysq;
            den = (den + B[i]) * ysq;
        }
        return x * (num + A[3]) / (den + B[3]);
    }

    /** e^{y²} erfc(y) for y > 0.46875. */
    private static double erfcxLarge(double y) {
        if (y <= 4) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            return (num + C[7]) / (den + D[7]);
        }
        double ysq = 1 / (y * y);
        double num = P[5] * ysq;
        double den = ysq;
        for (int i = 0; i < 4; i++) {
            num = (num + P[i]) * ysq;
            den = (den + Q[i]) * ysq;
        }
        double r = ysq * (num + P[4]) / (den + Q[4]);
        return (1 / SQRT_PI - r) / y;
    }

    /** exp(-y²) without the rounding error of squaring y (Cody's split of y into y16 + rest). */
    private static double expMinusSquare(double y) {
        double y16 = Math.floor(y * 16) / 16;
        double del = (y - y16) * (y + y16);
        return Math.exp(-y16 * y16) * Math.exp(-del);
    }

    /** The complementary error function. */
    static double erfc(double z) {
        if (Math.abs(z) <= THRESH) {
            return 1 - erfSmall(z);
        }
        if (z < 0) {
            return 2 - erfc(-z);
        }
        if (z > 27) {
            return 0;
        }
        return expMinusSquare(z) * erfcxLarge(z);
    }

    /** log erfc(z), finite for every finite z. */
    static double logErfc(double z) {
        if (z <= THRESH) {
            return Math.log(erfc(z));
        }
        return -z * z + Math.log(erfcxLarge(z));
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
        boolean m = mirrored(a);
        return sample(a, b, cdf(m ? -b : a), cdf(m ? -a : b), u);
    }

    /** Whether {@link #sample} draws a truncation to [a, b] as minus one to [−b, −a] (when a > 0). */
    static boolean mirrored(double a) {
        return a > 0;
    }

    /**
     * As {@link #sample(double, double, double)}, given the CDF at the bounds of the interval actually
     * drawn from: Φ(a) and Φ(b), or Φ(−b) and Φ(−a) when {@link #mirrored}(a). Callers drawing often
     * from the same truncation compute those two once.
     */
    static double sample(double a, double b, double cdfLow, double cdfHigh, double u) {
        if (mirrored(a)) {
            return -inverse(-b, -a, cdfLow, cdfHigh, u);
        }
        return inverse(a, b, cdfLow, cdfHigh, u);
    }

    /** The inverse-CDF draw on [a, b] with a <= 0, Φ(a) = pa and Φ(b) = pb. */
    private static double inverse(double a, double b, double pa, double pb, double u) {
        double x = ppf(pa + u * (pb - pa));
        if (Double.isNaN(x)) {
            x = a;
        }
        return Math.max(a, Math.min(b, x));
    }
}
