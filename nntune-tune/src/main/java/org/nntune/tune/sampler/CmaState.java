package org.nntune.tune.sampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The state of one CMA-ES run (Hansen, "The CMA Evolution Strategy: A Tutorial", 2016): mean, step
 * size, covariance with its eigendecomposition, evolution paths. Minimises; points live in the
 * unit cube, samples outside it are redrawn (and finally clipped).
 */
final class CmaState {
    final int n;
    final int lambda;
    final int restart;
    int generation;
    private final int mu;
    private final double[] w;
    /** recombination weights of all λ points, negative for the worse ones (active update) */
    private final double[] wAll;
    private final double mueff;
    private final double cs;
    private final double ds;
    private final double cc;
    private final double c1;
    private final double cmu;
    private final double chiN;
    private final double[] mean;
    private double sigma;
    private final double[][] c;
    private double[][] b;
    private double[] d;
    private final double[] pc;
    private final double[] ps;
    private final List<Double> bestHistory = new ArrayList<>();
    private double lastRange = Double.POSITIVE_INFINITY;

    CmaState(int n, double[] mean, double sigma, double[] cdiag, int lambda, int restart) {
        this.n = n;
        this.lambda = lambda;
        this.restart = restart;
        this.mean = mean.clone();
        this.sigma = sigma;
        mu = lambda / 2;
        w = new double[mu];
        double sum = 0;
        // w'_i = ln((λ+1)/2) − ln i (tutorial eq. 49; for odd λ this is not ln(μ + 1/2))
        for (int i = 0; i < mu; i++) {
            w[i] = Math.log((lambda + 1) / 2.0) - Math.log(i + 1);
            sum += w[i];
        }
        double sq = 0;
        for (int i = 0; i < mu; i++) {
            w[i] /= sum;
            sq += w[i] * w[i];
        }
        mueff = 1 / sq;
        cs = (mueff + 2) / (n + mueff + 5);
        ds = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
        cc = (4 + mueff / n) / (n + 4 + 2 * mueff / n);
        c1 = 2 / ((n + 1.3) * (n + 1.3) + mueff);
        cmu = Math.min(1 - c1, 2 * (mueff - 2 + 1 / mueff) / ((n + 2) * (n + 2) + mueff));
        chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        // active CMA (tutorial 2016, eq. 50-53): negative weights for the worse half
        wAll = new double[lambda];
        System.arraycopy(w, 0, wAll, 0, mu);
        double negSum = 0;
        double negSq = 0;
        for (int i = mu; i < lambda; i++) {
            double raw = Math.log((lambda + 1) / 2.0) - Math.log(i + 1);
            wAll[i] = raw;
            negSum += raw;
            negSq += raw * raw;
        }
        if (negSum < 0) {
            double mueffMinus = negSum * negSum / negSq;
            double alphaMu = 1 + c1 / cmu;
            double alphaMueff = 1 + 2 * mueffMinus / (mueff + 2);
            double alphaPosdef = (1 - c1 - cmu) / (n * cmu);
            double scale = Math.min(alphaMu, Math.min(alphaMueff, alphaPosdef)) / -negSum;
            for (int i = mu; i < lambda; i++) {
                wAll[i] *= scale;
            }
        }
        c = new double[n][n];
        for (int i = 0; i < n; i++) {
            c[i][i] = cdiag[i];
        }
        pc = new double[n];
        ps = new double[n];
        decompose();
    }

    /** @return the recombination weights of the λ ranks (negative for the active update) */
    double[] weights() {
        return wAll.clone();
    }

    /** @return μ_eff, c1, c_μ, c_σ, d_σ, c_c */
    double[] learningRates() {
        return new double[] {mueff, c1, cmu, cs, ds, cc};
    }

    private void decompose() {
        SymmetricEigen e = new SymmetricEigen(c);
        b = e.vectors;
        d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Math.sqrt(Math.max(e.values[i], 1e-20));
        }
    }

    /** @return a new point m + σ B D z in the unit cube */
    double[] sample(Random rng) {
        double[] x = new double[n];
        for (int attempt = 0; attempt < 100; attempt++) {
            double[] z = new double[n];
            for (int i = 0; i < n; i++) {
                z[i] = d[i] * rng.nextGaussian();
            }
            boolean inside = true;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += b[i][k] * z[k];
                }
                x[i] = mean[i] + sigma * s;
                inside &= x[i] >= 0 && x[i] <= 1;
            }
            if (inside) {
                return x;
            }
        }
        for (int i = 0; i < n; i++) {
            x[i] = Math.min(1, Math.max(0, x[i]));
        }
        return x;
    }

    /** One generation's update from λ points and their (minimised) values. */
    void tell(double[][] xs, double[] fs) {
        Integer[] order = new Integer[xs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> fs[i]));
        int all = xs.length;
        double[][] y = new double[all][n];
        double[] yw = new double[n];
        for (int k = 0; k < all; k++) {
            double[] x = xs[order[k]];
            for (int i = 0; i < n; i++) {
                y[k][i] = (x[i] - mean[i]) / sigma;
                if (k < mu) {
                    yw[i] += w[k] * y[k][i];
                }
            }
        }
        // weights of the rank-μ update: negative ones rescaled by n / ‖C^{-1/2} y‖²
        double[] wc = new double[all];
        double wSum = 0;
        for (int k = 0; k < all; k++) {
            wc[k] = wAll[k];
            if (wc[k] < 0) {
                double norm2 = 0;
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += b[i][j] * y[k][i];
                    }
                    norm2 += (s / d[j]) * (s / d[j]);
                }
                wc[k] *= n / Math.max(norm2, 1e-300);
            }
            wSum += wAll[k];
        }
        for (int i = 0; i < n; i++) {
            mean[i] += sigma * yw[i];
        }
        // C^{-1/2} yw = B D^{-1} Bᵀ yw
        double[] t = new double[n];
        for (int k = 0; k < n; k++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += b[i][k] * yw[i];
            }
            t[k] = s / d[k];
        }
        double psNorm2 = 0;
        double f = Math.sqrt(cs * (2 - cs) * mueff);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += b[i][k] * t[k];
            }
            ps[i] = (1 - cs) * ps[i] + f * s;
            psNorm2 += ps[i] * ps[i];
        }
        double psNorm = Math.sqrt(psNorm2);
        double denom = Math.sqrt(1 - Math.pow(1 - cs, 2.0 * (generation + 1)));
        boolean hsig = psNorm / denom < (1.4 + 2.0 / (n + 1)) * chiN;
        double fc = Math.sqrt(cc * (2 - cc) * mueff);
        for (int i = 0; i < n; i++) {
            pc[i] = (1 - cc) * pc[i] + (hsig ? fc * yw[i] : 0);
        }
        double keep = 1 - c1 - cmu * wSum + (hsig ? 0 : c1 * cc * (2 - cc));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double rankMu = 0;
                for (int k = 0; k < all; k++) {
                    rankMu += wc[k] * y[k][i] * y[k][j];
                }
                double v = keep * c[i][j] + c1 * pc[i] * pc[j] + cmu * rankMu;
                c[i][j] = v;
                c[j][i] = v;
            }
        }
        sigma *= Math.exp(Math.min(1, (cs / ds) * (psNorm / chiN - 1)));
        decompose();
        double genMin = Double.POSITIVE_INFINITY;
        double genMax = Double.NEGATIVE_INFINITY;
        for (double v : fs) {
            genMin = Math.min(genMin, v);
            genMax = Math.max(genMax, v);
        }
        bestHistory.add(genMin);
        lastRange = genMax - genMin;
        generation++;
    }

    /** @return whether the run has stagnated (flat values, tiny or huge steps, ill-conditioned C) */
    boolean shouldStop() {
        int window = 10 + (int) Math.ceil(30.0 * n / lambda);
        if (bestHistory.size() >= window) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = bestHistory.size() - window; i < bestHistory.size(); i++) {
                lo = Math.min(lo, bestHistory.get(i));
                hi = Math.max(hi, bestHistory.get(i));
            }
            if (hi - lo < 1e-12 && lastRange < 1e-12) {
                return true;
            }
        }
        double dMax = 0;
        double dMin = Double.POSITIVE_INFINITY;
        for (double v : d) {
            dMax = Math.max(dMax, v);
            dMin = Math.min(dMin, v);
        }
        boolean tolx = true;
        for (int i = 0; i < n; i++) {
            tolx &= sigma * Math.sqrt(c[i][i]) < 1e-11 && sigma * Math.abs(pc[i]) < 1e-11;
        }
        return tolx || sigma * dMax > 1e4 || (dMax / dMin) * (dMax / dMin) > 1e14;
    }
}
