package org.nntune.tune.sampler;

/**
 * Limited-memory BFGS for small smooth problems with box bounds (variables are projected onto the
 * box; components pinned at a bound with the gradient pointing out are frozen for the step), with
 * a backtracking Armijo line search. Used to fit the Gaussian process's hyperparameters.
 */
final class Lbfgs {
    private Lbfgs() {}

    /** A function to minimise: returns f(x) and writes ∇f(x) into {@code grad}. */
    interface Objective {
        double valueAndGradient(double[] x, double[] grad);
    }

    /**
     * Minimises {@code f} from {@code x0} (projected into the box).
     *
     * @return the best point found (a new array); its value is written to {@code valueOut[0]}
     */
    static double[] minimize(Objective f, double[] x0, double[] lo, double[] hi, int maxIter, double[] valueOut) {
        int n = x0.length;
        int m = 6;
        double[][] s = new double[m][];
        double[][] y = new double[m][];
        double[] rho = new double[m];
        int stored = 0;
        int head = 0;
        double[] x = x0.clone();
        project(x, lo, hi);
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        if (!Double.isFinite(fx)) {
            valueOut[0] = fx;
            return x;
        }
        double[] gNew = new double[n];
        for (int iter = 0; iter < maxIter; iter++) {
            boolean[] frozen = new boolean[n];
            double pgNorm = 0;
            for (int i = 0; i < n; i++) {
                frozen[i] = (x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0);
                if (!frozen[i]) {
                    pgNorm = Math.max(pgNorm, Math.abs(g[i]));
                }
            }
            if (pgNorm < 1e-5) {
                break;
            }
            // two-loop recursion
            double[] q = new double[n];
            for (int i = 0; i < n; i++) {
                q[i] = frozen[i] ? 0 : g[i];
            }
            double[] alpha = new double[m];
            for (int k = 0; k < stored; k++) {
                int idx = Math.floorMod(head - 1 - k, m);
                alpha[idx] = rho[idx] * dot(s[idx], q);
                axpy(-alpha[idx], y[idx], q);
            }
            double gamma = 1;
            if (stored > 0) {
                int last = Math.floorMod(head - 1, m);
                gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
            }
            for (int i = 0; i < n; i++) {
                q[i] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--) {
                int idx = Math.floorMod(head - 1 - k, m);
                double beta = rho[idx] * dot(y[idx], q);
                axpy(alpha[idx] - beta, s[idx], q);
            }
            double[] d = new double[n];
            double slope = 0;
            for (int i = 0; i < n; i++) {
                d[i] = frozen[i] ? 0 : -q[i];
                slope += d[i] * g[i];
            }
            if (!(slope < 0)) {
                stored = 0;
                slope = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = frozen[i] ? 0 : -g[i];
                    slope += d[i] * g[i];
                }
            }
            // keep the first step of a steepest-descent start modest
            double step = stored == 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
            double[] xNew = new double[n];
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int ls = 0; ls < 30; ls++) {
                for (int i = 0; i < n; i++) {
                    xNew[i] = x[i] + step * d[i];
                }
                project(xNew, lo, hi);
                fNew = f.valueAndGradient(xNew, gNew);
                double decrease = 0;
                for (int i = 0; i < n; i++) {
                    decrease += g[i] * (xNew[i] - x[i]);
                }
                if (Double.isFinite(fNew) && fNew <= fx + 1e-4 * decrease) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) {
                break;
            }
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int i = 0; i < n; i++) {
                sk[i] = xNew[i] - x[i];
                yk[i] = gNew[i] - g[i];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-12) {
                s[head] = sk;
                y[head] = yk;
                rho[head] = 1 / sy;
                head = (head + 1) % m;
                stored = Math.min(stored + 1, m);
            }
            double improvement = fx - fNew;
            x = xNew.clone();
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            if (improvement < 1e-7 * Math.max(1, Math.abs(fx))) {
                break;
            }
        }
        valueOut[0] = fx;
        return x;
    }

    private static void project(double[] x, double[] lo, double[] hi) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(hi[i], Math.max(lo[i], x[i]));
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }
}
