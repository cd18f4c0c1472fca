"""Optuna's side of nntune's Optuna-storage tests (run by OptunaInteropTest with Debian's python3-optuna).

    optuna_peer.py create URL STUDY          Optuna starts a study: 8 trials (complete, pruned, failed),
                                             one RUNNING trial with a heartbeat, one enqueued WAITING trial
    optuna_peer.py continue URL STUDY N OUT  N more trials with Optuna's TPE over all trials (nntune's too), then dump
    optuna_peer.py worker URL STUDY N        N trials as one worker of a shared study (claims WAITING ones first)
    optuna_peer.py stale URL STUDY OUT       fail stale trials as Optuna does (heartbeat grace 1 s), then dump
    optuna_peer.py dump URL STUDY OUT        every trial as optuna.load_study reads it, as JSON in the file OUT
    optuna_peer.py none URL STUDY N OUT      N trials (TPE) of a space whose categorical offers None (the first run
                                             enqueues None), then dump
    optuna_peer.py legacy URL STUDY OUT      a study whose trials hold Optuna 2's distributions (UniformDistribution,
                                             LogUniformDistribution, DiscreteUniformDistribution, IntUniformDistribution,
                                             IntLogUniformDistribution), as a database upgraded from Optuna 2 has, then dump

Non-finite floats are written as the strings "nan", "inf" and "-inf" (JSON has no such numbers); None as null
(nntune reads it as JsonNull).
"""
import json
import math
import sys
import time

import optuna
from optuna.distributions import distribution_to_json

optuna.logging.set_verbosity(optuna.logging.WARNING)


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if isinstance(v, dict):
        return {str(k): enc(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    return v


def space(trial):
    x = trial.suggest_float("x", -5.0, 5.0)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    layers = trial.suggest_int("layers", 1, 4)
    units = trial.suggest_int("units", 16, 128, step=16)
    act = trial.suggest_categorical("act", ["relu", "tanh", "gelu"])
    return (x - 1.0) ** 2 + math.log10(lr) ** 2 / 10 + layers + units / 100.0 + (0.0 if act == "relu" else 0.5)


NONE_CHOICES = ["a", "b", None, 3, 2.5, True]


def none_space(trial):
    c = trial.suggest_categorical("c", NONE_CHOICES)
    x = trial.suggest_float("x", -1.0, 1.0)
    trial.set_user_attr("c", c)
    return x * x + (0.0 if c is None else 1.0)


def none_choice(url, name, n):
    study = optuna.create_study(study_name=name, storage=url, load_if_exists=True,
                                sampler=optuna.samplers.TPESampler(seed=4, n_startup_trials=2))
    if not study.trials:
        study.enqueue_trial({"c": None, "x": 0.5})
    study.optimize(none_space, n_trials=n)


def create(url, name):
    study = optuna.create_study(study_name=name, storage=url, sampler=optuna.samplers.RandomSampler(seed=0))
    study.set_user_attr("owner", "python")
    study.set_user_attr("tags", ["a", 1, 2.5])

    def objective(trial):
        value = space(trial)
        for step in range(3):
            trial.report(value + 3 - step, step)
        trial.set_user_attr("note", {"n": trial.number, "ok": True})
        if trial.number == 3:
            raise optuna.TrialPruned()
        if trial.number == 5:
            raise ValueError("python failure")
        return value

    study.optimize(objective, n_trials=8, catch=(ValueError,))
    running = study.ask()
    study._storage.record_heartbeat(running._trial_id)
    study.enqueue_trial({"x": 1.0, "lr": 0.01, "layers": 2, "units": 32, "act": "tanh"})


def worker(url, name, n, sampler):
    study = optuna.load_study(study_name=name, storage=url, sampler=sampler)
    done = 0
    while done < n:
        try:
            trial = study.ask()
        except RuntimeError as e:
            # Optuna 3.1's ask() raises when an enqueued trial it listed as WAITING was claimed and finished by
            # another worker before its own claim (two Python workers race the same way); ask again
            if "already finished" not in str(e):
                raise
            continue
        value = space(trial)
        trial.set_user_attr("worker", "python")
        time.sleep(0.05)
        study.tell(trial, value)
        done += 1


def stale(url, name):
    # Optuna 3.1 counts a trial stale when (now - heartbeat).seconds > grace: whole seconds, and on SQLite "now" is
    # CURRENT_TIMESTAMP, also whole seconds. With grace 1 the heartbeat must be 2 whole seconds behind a clock that
    # may be up to 1 s behind the true time, so up to 3 s old; 2.2 s failed 2 of 6 runs here.
    time.sleep(3.2)
    storage = optuna.storages.RDBStorage(url, heartbeat_interval=1, grace_period=1)
    study = optuna.load_study(study_name=name, storage=storage)
    optuna.storages.fail_stale_trials(study)


def legacy(url, name):
    import warnings
    warnings.simplefilter("ignore")
    d = optuna.distributions
    dists = {"u": d.UniformDistribution(-1.0, 1.0), "lu": d.LogUniformDistribution(1e-4, 1e-1),
             "q": d.DiscreteUniformDistribution(0.0, 1.0, 0.25), "iu": d.IntUniformDistribution(16, 128, step=16),
             "il": d.IntLogUniformDistribution(1, 1000)}
    study = optuna.create_study(study_name=name, storage=url)
    for i, (u, lu, q, iu, il) in enumerate([(0.5, 1e-3, 0.75, 32, 10), (-0.25, 0.05, 0.0, 128, 999)]):
        study.add_trial(optuna.trial.create_trial(params={"u": u, "lu": lu, "q": q, "iu": iu, "il": il},
                                                  distributions=dists, value=float(i)))


def dump(url, name, out):
    study = optuna.load_study(study_name=name, storage=url)
    trials = []
    for t in study.get_trials(deepcopy=False):
        trials.append({
            "number": t.number,
            "state": t.state.name,
            "values": enc(t.values) if t.values is not None else [],
            "params": enc(t.params),
            "distributions": {k: distribution_to_json(d) for k, d in t.distributions.items()},
            "user_attrs": enc(t.user_attrs),
            "system_attrs": enc(t.system_attrs),
            "intermediate_values": enc(t.intermediate_values),
            "datetime_start": t.datetime_start.isoformat() if t.datetime_start else "None",
        })
    best = -1
    if len(study.directions) == 1 and any(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials):
        best = study.best_trial.number
    with open(out, "w") as f:
        json.dump({
            "optuna": optuna.__version__,
            "directions": [d.name for d in study.directions],
            "user_attrs": enc(study.user_attrs),
            "best": best,
            "trials": trials,
        }, f)


if __name__ == "__main__":
    command, url, name = sys.argv[1], sys.argv[2], sys.argv[3]
    if command == "create":
        create(url, name)
    elif command == "continue":
        optuna.load_study(study_name=name, storage=url, sampler=optuna.samplers.TPESampler(seed=1, n_startup_trials=2)).optimize(
            lambda trial: space(trial), n_trials=int(sys.argv[4]))
        dump(url, name, sys.argv[5])
    elif command == "worker":
        worker(url, name, int(sys.argv[4]), optuna.samplers.RandomSampler(seed=2))
    elif command == "stale":
        stale(url, name)
        dump(url, name, sys.argv[4])
    elif command == "dump":
        dump(url, name, sys.argv[4])
    elif command == "legacy":
        legacy(url, name)
        dump(url, name, sys.argv[4])
    elif command == "none":
        none_choice(url, name, int(sys.argv[4]))
        dump(url, name, sys.argv[5])
    else:
        sys.exit("unknown command " + command)
