#!/usr/bin/python3
"""Golden values for nntune-tune's ParzenEstimatorTest and MultiObjectiveTpeTest.

Builds Optuna 3.1's _ParzenEstimator (kernel centres, widths, weights) for a few observation sets
and evaluates the mixture's log density two ways: with scipy's truncnorm (the proper density,
nntune's scaleFreeKernels(false) and Optuna >= 3.5) and with Optuna 3.1's own log_pdf, whose
_truncnorm.logpdf omits the kernels' 1/sigma for continuous parameters (nntune's default,
scaleFreeKernels(true)). Stepped/int dimensions use the mass of the step in both. Also prints
Optuna 3.1's multi-objective split and below weights for a fixed two-objective history, and the
WFG hypervolume of a 3-objective set. Usage: /usr/bin/python3 tpe_golden.py
"""
import json

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
        e = estimator(obs, space, multivariate)
        print(name, "proper", log_pdf(e, at))
        print(name, "optuna3.1", e.log_pdf({k: np.asarray(v, dtype=float if k != "c" else int)
                                            for k, v in at.items()}).tolist())
    print("default_weights(30)", default_weights(30).tolist()[:5])
    multi_objective()
    sampler_step()


def multi_objective():
    from optuna._hypervolume import WFG
    from optuna.samplers._tpe.sampler import (_split_observation_pairs,
                                              _calculate_weights_below_for_multi_objective)
    rng = np.random.RandomState(1)
    pts = rng.uniform(0, 1, (30, 2))
    pts[:, 1] = 1 - np.sqrt(pts[:, 0]) + 0.5 * pts[:, 1]  # a noisy convex front
    pts = np.round(pts, 6)  # printed exactly
    scores = [(-float("inf"), p.tolist()) for p in pts]
    below, above = _split_observation_pairs(scores, 3, None)  # gamma(30) = 3
    w = _calculate_weights_below_for_multi_objective(scores, below, None)
    print("mo points", pts.tolist())
    print("mo below", below.tolist(), "weights", w.tolist())
    below, _ = _split_observation_pairs(scores, 12, None)
    w = _calculate_weights_below_for_multi_objective(scores, below, None)
    print("mo below12", sorted(below.tolist()), "weights", [x for _, x in sorted(zip(below.tolist(), w.tolist()))])
    p3 = np.array([[1, 2, 3], [2, 1, 3], [3, 3, 1], [1.5, 1.5, 2.5], [2.5, 0.5, 2.9]], dtype=float)
    print("wfg3", WFG().compute(p3, np.array([4.0, 4.0, 4.0])))



def sampler_step():
    """log l(x) - log g(x) of TPESampler for the next trial after a fixed history (45 COMPLETE
    Branin trials from TPESampler(seed=0) rounded to 6 digits, then 3 PRUNED trials with
    intermediate values, 1 PRUNED without, 1 FAIL), for parameter x0 at a few points."""
    import optuna
    from optuna.samplers._tpe.sampler import _get_observation_pairs, _split_observation_pairs, default_gamma
    from optuna.trial import TrialState, create_trial
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    src = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0))
    d0, d1 = D.FloatDistribution(-5, 10), D.FloatDistribution(0, 15)

    def branin(x0, x1):
        import math
        b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
        return (x1 - b * x0 ** 2 + c * x0 - 6) ** 2 + 10 * (1 - t) * math.cos(x0) + 10
    src.optimize(lambda t: branin(t.suggest_float("x0", -5, 10), t.suggest_float("x1", 0, 15)), n_trials=45)
    study = optuna.create_study()
    history = []
    for t in src.trials:
        x0, x1 = round(t.params["x0"], 6), round(t.params["x1"], 6)
        study.add_trial(create_trial(params={"x0": x0, "x1": x1}, distributions={"x0": d0, "x1": d1},
                                     value=branin(x0, x1)))
        history.append(["complete", x0, x1])
    for x0, steps in ((1.5, {0: 9.0, 1: 5.0}), (-4.0, {0: 3.0}), (8.0, {0: 40.0, 2: 0.1})):
        study.add_trial(create_trial(state=TrialState.PRUNED, params={"x0": x0, "x1": 2.0},
                                     distributions={"x0": d0, "x1": d1}, intermediate_values=steps))
        history.append(["pruned", x0, 2.0, steps])
    study.add_trial(create_trial(state=TrialState.PRUNED, params={"x0": 3.0}, distributions={"x0": d0}))
    history.append(["pruned", 3.0, None, {}])
    study.add_trial(create_trial(state=TrialState.FAIL, params={"x0": 0.0}, distributions={"x0": d0}))
    history.append(["fail", 0.0, None])
    sampler = optuna.samplers.TPESampler()
    values, scores, _ = _get_observation_pairs(study, ["x0"], False, False)
    n = sum(s < float("inf") for s, v in scores)
    below, above = _split_observation_pairs(scores, default_gamma(n), None)
    cfg = np.asarray(values["x0"], dtype=float)
    mask = ~np.isnan(cfg)
    params = sampler._parzen_estimator_parameters
    lo = _ParzenEstimator({"x0": cfg[below[mask[below]]]}, {"x0": d0}, params)
    hi = _ParzenEstimator({"x0": cfg[above[mask[above]]]}, {"x0": d0}, params)
    at = {"x0": np.asarray([-5.0, -3.1, 0.0, 2.5, 3.14, 7.0, 9.4, 10.0])}
    print("step history", json.dumps(history))
    print("step below", below.tolist(), "n", n)
    print("step ratio", (lo.log_pdf(at) - hi.log_pdf(at)).tolist())


if __name__ == "__main__":
    main()
