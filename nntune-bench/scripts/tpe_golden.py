#!/usr/bin/python3
"""Golden values for nntune-tune's ParzenEstimatorTest.

Builds Optuna 3.1's _ParzenEstimator (kernel centres, widths, weights) for a few observation sets
and evaluates the mixture's log density with scipy's truncnorm. Optuna 3.1's own
_truncnorm.logpdf omits the kernels' 1/sigma for continuous parameters; nntune keeps the proper
density, so continuous dimensions are evaluated here with scipy. Stepped/int dimensions use the
mass of the step, as Optuna does. Usage: /usr/bin/python3 tpe_golden.py
"""
import numpy as np
from scipy.stats import truncnorm
from optuna import distributions as D
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights


def estimator(obs, space, multivariate):
    params = _ParzenEstimatorParameters(True, 1.0, True, False, default_weights, multivariate)
    return _ParzenEstimator({k: np.asarray(v, dtype=float) for k, v in obs.items()}, space, params)


def log_pdf(e, samples):
    n = len(next(iter(samples.values())))
    comp = np.zeros((n, len(e._weights)))
    for name, dist in e._search_space.items():
        s = np.asarray(samples[name], dtype=float)
        if isinstance(dist, D.CategoricalDistribution):
            comp += np.log(e._categorical_weights[name].T[s.astype(int), :])
            continue
        if getattr(dist, "log", False):
            s = np.log(s)
        lo, hi, q, mu, sg = e._low[name], e._high[name], e._q[name], e._mus[name], e._sigmas[name]
        a, b = (lo - mu) / sg, (hi - mu) / sg
        if q is None:
            comp += truncnorm.logpdf(s[:, None], a, b, loc=mu, scale=sg)
        else:
            ub, lb = np.minimum(s + q / 2, hi), np.maximum(s - q / 2, lo)
            comp += np.log(truncnorm.cdf(ub[:, None], a, b, loc=mu, scale=sg)
                           - truncnorm.cdf(lb[:, None], a, b, loc=mu, scale=sg))
    w = comp + np.log(e._weights)
    top = w.max(axis=1)
    return (np.log(np.exp(w - top[:, None]).sum(axis=1)) + top).tolist()


def main():
    cases = [
        ("float", {"x": [0.1, 0.5, 0.52, 2.0, -3.0]}, {"x": D.FloatDistribution(-5, 5)}, False,
         {"x": [-4.9, 0.0, 0.5, 1.7, 4.99]}),
        ("logfloat", {"x": [1e-4, 3e-3, 2e-2]}, {"x": D.FloatDistribution(1e-5, 1e-1, log=True)}, False,
         {"x": [1e-5, 1e-3, 5e-2]}),
        ("intstep", {"n": [16, 32, 32, 128, 256]}, {"n": D.IntDistribution(16, 256, step=16)}, False,
         {"n": [16, 48, 240]}),
        ("intlog", {"n": [2, 4, 7, 100]}, {"n": D.IntDistribution(1, 128, log=True)}, False, {"n": [1, 5, 128]}),
        ("cat", {"c": [0, 2, 2, 1, 2]}, {"c": D.CategoricalDistribution(["a", "b", "c"])}, False, {"c": [0, 1, 2]}),
        ("multi", {"x": [0.1, 0.5, 2.0, -3.0], "c": [0, 1, 1, 2], "n": [3, 5, 9, 2]},
         {"x": D.FloatDistribution(-5, 5), "c": D.CategoricalDistribution(["a", "b", "c"]),
          "n": D.IntDistribution(1, 10)}, True, {"x": [0.0, -4.0], "c": [1, 2], "n": [5, 10]}),
        ("many", {"x": np.random.RandomState(0).uniform(-5, 5, 60).tolist()}, {"x": D.FloatDistribution(-5, 5)},
         False, {"x": [-2.0, 0.3, 4.0]}),
    ]
    for name, obs, space, multivariate, at in cases:
        print(name, log_pdf(estimator(obs, space, multivariate), at))
    print("default_weights(30)", default_weights(30).tolist()[:5])


if __name__ == "__main__":
    main()
