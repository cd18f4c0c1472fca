package org.nntune.tune.sampler;

/**
 * A Gaussian-process regression model on points of the unit cube: zero mean on standardised
 * targets, a Matérn 5/2 kernel with one length scale per coordinate (ARD), a signal variance and a
 * noise variance. The hyperparameters maximise the log marginal likelihood plus weak log-normal
 * priors (which keep length scales and noise sensible on few points), found by box-bounded L-BFGS
 * from a warm start and/or a default start. Immutable once fitted.
 *
 * <p>Cost: one likelihood evaluation is a Cholesky factorisation and an inverse, O(n³), plus
 * O(n² d) for the kernel and its gradient; a prediction is O(n d + n²).
 */
final class GaussianProcess {
    private static final double SQRT5 = Math.sqrt(5);
    static final double LOG_LS_MIN = Math.log(0.01);
    static final double LOG_LS_MAX = Math.log(30);
    static final double LOG_S2_MIN = Math.log(0.05);
    static final double LOG_S2_MAX = Math.log(20);
    static final double LOG_NOISE_MIN = Math.log(1e-8);
    static final double LOG_NOISE_MAX = Math.log(1);
    private static final double PRIOR_LS_MEAN = Math.log(0.5);
    private static final double PRIOR_LS_SD = 1.2;
    private static final double PRIOR_NOISE_MEAN = Math.log(1e-4);
    private static final double PRIOR_NOISE_SD = 3;

    private final double[][] x;
    private final int n;
    private final int d;
    /** log length scales (d), log signal variance, log noise variance */
    private final double[] theta;
    private final double[] invLs2;
    private final double s2;
    private final Cholesky chol;
    private final double[] alpha;

    private GaussianProcess(double[][] x, double[] y, double[] theta) {
        this.x = x;
        this.n = x.length;
        this.d = x[0].length;
        this.theta = theta.clone();
        this.invLs2 = new double[d];
        for (int k = 0; k < d; k++) {
            invLs2[k] = Math.exp(-2 * theta[k]);
        }
        this.s2 = Math.exp(theta[d]);
        double noise = Math.exp(theta[d + 1]);
        Cholesky c = null;
        for (double jitter = 0; c == null; jitter = jitter == 0 ? 1e-8 : jitter * 10) {
            double[] k = kernelMatrix(x, invLs2, s2, noise + jitter, null);
            c = Cholesky.factor(k, n);
            if (jitter > 1) {
                throw new IllegalStateException("kernel matrix is not positive definite");
            }
        }
        this.chol = c;
        this.alpha = c.solve(y);
    }

    /** @return the model with fixed hyperparameters {@code theta} (no fitting: one factorisation) */
    static GaussianProcess withTheta(double[][] x, double[] y, double[] theta) {
        return new GaussianProcess(x, y, theta);
    }

    /** @return the fitted hyperparameters (log length scales, log signal variance, log noise) */
    double[] theta() {
        return theta.clone();
    }

    /**
     * Fits the hyperparameters and the model.
     *
     * @param x points in the unit cube
     * @param y standardised targets
     * @param warm a previous fit's hyperparameters of the same dimension to start from, or null
     * @param maxIter L-BFGS iterations per start
     */
    static GaussianProcess fit(double[][] x, double[] y, double[] warm, int maxIter) {
        int d = x[0].length;
        double[] lo = new double[d + 2];
        double[] hi = new double[d + 2];
        for (int k = 0; k < d; k++) {
            lo[k] = LOG_LS_MIN;
            hi[k] = LOG_LS_MAX;
        }
        lo[d] = LOG_S2_MIN;
        hi[d] = LOG_S2_MAX;
        lo[d + 1] = LOG_NOISE_MIN;
        hi[d + 1] = LOG_NOISE_MAX;
        Lbfgs.Objective f = (th, grad) -> negLogPosterior(x, y, th, grad);
        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        double[] out = new double[1];
        double[][] starts = warm != null && warm.length == d + 2
                ? new double[][] {warm, defaultTheta(d)} : new double[][] {defaultTheta(d)};
        for (double[] start : starts) {
            double[] th = Lbfgs.minimize(f, start, lo, hi, maxIter, out);
            if (out[0] < bestValue) {
                bestValue = out[0];
                best = th;
            }
            if (warm != null && starts.length > 1 && best != null && Double.isFinite(bestValue)) {
                break; // the warm start converged: skip the cold one
            }
        }
        if (best == null) {
            best = defaultTheta(d);
        }
        return new GaussianProcess(x, y, best);
    }

    private static double[] defaultTheta(int d) {
        double[] th = new double[d + 2];
        for (int k = 0; k < d; k++) {
            th[k] = PRIOR_LS_MEAN;
        }
        th[d] = 0;
        th[d + 1] = Math.log(1e-3);
        return th;
    }

    /** Matérn 5/2 with squared scaled distance r2. */
    private static double matern(double r2, double s2) {
        double r = Math.sqrt(r2);
        return s2 * (1 + SQRT5 * r + 5.0 / 3 * r2) * Math.exp(-SQRT5 * r);
    }

    private static double scaledDist2(double[] a, double[] b, double[] invLs2) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            double t = a[k] - b[k];
            s += t * t * invLs2[k];
        }
        return s;
    }

    private static double[] kernelMatrix(double[][] x, double[] invLs2, double s2, double diag, double[] r2Out) {
        int n = x.length;
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            k[i * n + i] = s2 + diag;
            for (int j = 0; j < i; j++) {
                double r2 = scaledDist2(x[i], x[j], invLs2);
                if (r2Out != null) {
                    r2Out[i * n + j] = r2;
                }
                double v = matern(r2, s2);
                k[i * n + j] = v;
                k[j * n + i] = v;
            }
        }
        return k;
    }

    /** −(log marginal likelihood + log prior) and its gradient in θ. */
    static double negLogPosterior(double[][] x, double[] y, double[] th, double[] grad) {
        int n = x.length;
        int d = x[0].length;
        double[] invLs2 = new double[d];
        for (int k = 0; k < d; k++) {
            invLs2[k] = Math.exp(-2 * th[k]);
        }
        double s2 = Math.exp(th[d]);
        double noise = Math.exp(th[d + 1]);
        double[] r2 = new double[n * n];
        double[] kmat = kernelMatrix(x, invLs2, s2, noise, r2);
        Cholesky c = Cholesky.factor(kmat, n);
        if (c == null) {
            java.util.Arrays.fill(grad, 0);
            return Double.POSITIVE_INFINITY;
        }
        double[] a = c.solve(y);
        double fit = 0;
        for (int i = 0; i < n; i++) {
            fit += y[i] * a[i];
        }
        double lml = -0.5 * fit - 0.5 * c.logDet() - 0.5 * n * Math.log(2 * Math.PI);
        double[] inv = c.inverse();
        // dLML/dθ = ½ tr(W ∂K/∂θ), W = ααᵀ − K⁻¹
        java.util.Arrays.fill(grad, 0);
        double gS2 = 0;
        double gNoise = 0;
        for (int i = 0; i < n; i++) {
            double wii = a[i] * a[i] - inv[i * n + i];
            gS2 += 0.5 * wii * s2;
            gNoise += 0.5 * wii * noise;
            double[] xi = x[i];
            for (int j = 0; j < i; j++) {
                double w = a[i] * a[j] - inv[i * n + j];
                double rr = r2[i * n + j];
                double r = Math.sqrt(rr);
                double e = Math.exp(-SQRT5 * r);
                double kf = s2 * (1 + SQRT5 * r + 5.0 / 3 * rr) * e;
                gS2 += w * kf; // both (i,j) and (j,i): 2 × ½
                double gr = w * s2 * 5.0 / 3 * (1 + SQRT5 * r) * e;
                double[] xj = x[j];
                for (int k = 0; k < d; k++) {
                    double t = xi[k] - xj[k];
                    grad[k] += gr * t * t * invLs2[k];
                }
            }
        }
        grad[d] = gS2;
        grad[d + 1] = gNoise;
        // log priors: N(PRIOR_LS_MEAN, sd) on log length scales, N(0, 1) on log s2, N(.., ..) on log noise
        double lp = 0;
        for (int k = 0; k < d; k++) {
            double z = (th[k] - PRIOR_LS_MEAN) / PRIOR_LS_SD;
            lp -= 0.5 * z * z;
            grad[k] -= z / PRIOR_LS_SD;
        }
        lp -= 0.5 * th[d] * th[d];
        grad[d] -= th[d];
        double zn = (th[d + 1] - PRIOR_NOISE_MEAN) / PRIOR_NOISE_SD;
        lp -= 0.5 * zn * zn;
        grad[d + 1] -= zn / PRIOR_NOISE_SD;
        for (int k = 0; k < d + 2; k++) {
            grad[k] = -grad[k];
        }
        return -(lml + lp);
    }

    /**
     * Posterior mean and standard deviation of the latent function at {@code p}.
     *
     * @param out receives {mean, sd}
     */
    void predict(double[] p, double[] out, double[] work) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            double k = matern(scaledDist2(p, x[i], invLs2), s2);
            work[i] = k;
            mean += k * alpha[i];
        }
        chol.forward(work);
        double v = 0;
        for (int i = 0; i < n; i++) {
            v += work[i] * work[i];
        }
        out[0] = mean;
        out[1] = Math.sqrt(Math.max(s2 - v, 1e-12 * s2));
    }

    /**
     * Posterior means and standard deviations at many points; the triangular solves run over blocks
     * of points so that each row of the factor is read once per block.
     */
    void predictBatch(double[][] ps, double[] mean, double[] sd) {
        final int block = 32;
        double[][] w = new double[block][n];
        double[] l = chol.l;
        for (int b0 = 0; b0 < ps.length; b0 += block) {
            int bn = Math.min(block, ps.length - b0);
            for (int c = 0; c < bn; c++) {
                double[] p = ps[b0 + c];
                double m = 0;
                double[] wc = w[c];
                for (int i = 0; i < n; i++) {
                    double k = matern(scaledDist2(p, x[i], invLs2), s2);
                    wc[i] = k;
                    m += k * alpha[i];
                }
                mean[b0 + c] = m;
            }
            for (int i = 0; i < n; i++) {
                int ri = i * n;
                double diag = l[ri + i];
                for (int c = 0; c < bn; c++) {
                    double[] wc = w[c];
                    double s = wc[i];
                    for (int k = 0; k < i; k++) {
                        s -= l[ri + k] * wc[k];
                    }
                    wc[i] = s / diag;
                }
            }
            for (int c = 0; c < bn; c++) {
                double v = 0;
                for (int i = 0; i < n; i++) {
                    v += w[c][i] * w[c][i];
                }
                sd[b0 + c] = Math.sqrt(Math.max(s2 - v, 1e-12 * s2));
            }
        }
    }

    /** @return the number of training points */
    int size() {
        return n;
    }
}
