package org.nntune.tune.sampler;

/**
 * The Cholesky factor {@code L} ({@code A = L Lᵀ}) of a symmetric positive definite matrix, kept as
 * a packed row-major lower triangle in a flat array, with the solves the Gaussian process needs.
 */
final class Cholesky {
    final int n;
    /** row-major n×n, only the lower triangle is used */
    final double[] l;

    private Cholesky(int n, double[] l) {
        this.n = n;
        this.l = l;
    }

    /**
     * Factors {@code a} (row-major n×n, symmetric; only the lower triangle is read).
     *
     * @return the factor, or {@code null} when the matrix is not numerically positive definite
     */
    static Cholesky factor(double[] a, int n) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            for (int j = 0; j <= i; j++) {
                int rj = j * n;
                double s = a[ri + j];
                for (int k = 0; k < j; k++) {
                    s -= l[ri + k] * l[rj + k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        return null;
                    }
                    l[ri + i] = Math.sqrt(s);
                } else {
                    l[ri + j] = s / l[rj + j];
                }
            }
        }
        return new Cholesky(n, l);
    }

    /** Solves {@code L y = b} in place. */
    void forward(double[] b) {
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[ri + k] * b[k];
            }
            b[i] = s / l[ri + i];
        }
    }

    /** Solves {@code Lᵀ x = y} in place. */
    void backward(double[] y) {
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * y[k];
            }
            y[i] = s / l[i * n + i];
        }
    }

    /** @return {@code A⁻¹ b} (b is left unchanged) */
    double[] solve(double[] b) {
        double[] x = b.clone();
        forward(x);
        backward(x);
        return x;
    }

    /** @return log det A */
    double logDet() {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.log(l[i * n + i]);
        }
        return 2 * s;
    }

    /** @return {@code A⁻¹}, row-major, full */
    double[] inverse() {
        // invert L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹
        double[] li = new double[n * n];
        for (int j = 0; j < n; j++) {
            li[j * n + j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++) {
                double s = 0;
                int ri = i * n;
                for (int k = j; k < i; k++) {
                    s -= l[ri + k] * li[k * n + j];
                }
                li[ri + j] = s / l[ri + i];
            }
        }
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = i; k < n; k++) {
                    s += li[k * n + i] * li[k * n + j];
                }
                inv[i * n + j] = s;
                inv[j * n + i] = s;
            }
        }
        return inv;
    }
}
