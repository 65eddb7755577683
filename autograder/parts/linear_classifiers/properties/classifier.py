"""Properties of LinearClassifier.train and .predict (SPEC property 10 and hygiene).

`train` is run through the student's LinearSVM and Softmax classes with their `loss`
replaced by a stand-in least-squares loss (`autograder.sandbox.stand_in`), so it is
graded on its own: the child records every call to the loss (the weights, the
minibatch, reg) and the grader checks each SGD step, each minibatch and the loss
history against that record. `predict` is given weights and compared with the
row-wise argmax; float labels are fine (SPEC fairness notes).
"""

import numpy as np

from autograder.grading.failure import Failure, show
from autograder.grading.hints import about
from autograder.grading.properties.base import Property, close
from autograder.parts.linear_classifiers import cases as C
from autograder.parts.linear_classifiers.requests import of
from autograder.parts.linear_classifiers.shared import least_squares

AHEAD = 8
"""Trainings or predictions per round trip when a property's inputs are run ahead."""


def run_ahead(ahead, jobs: list[dict]) -> None:
    """Send `jobs` to the child a few per request (`Session.train_ahead`, `predict_ahead`), without
    waiting: the cases, judged one by one, then find their answers arriving in order.

    Only a matter of speed: each job runs as its own request would. If the child dies or
    hangs meanwhile, that is forgotten and the cases run one by one as usual, meeting the
    problem in their own order, so the feedback is the same as without running ahead.
    """
    for start in range(0, len(jobs), AHEAD):
        ahead(jobs[start : start + AHEAD])


def train_settings(case) -> dict:
    return {k: case[k] for k in ("learning_rate", "reg", "num_iters", "batch_size")}


def require_trained(result: dict) -> dict:
    if not result.get("ok"):
        raise Failure("train raised an error.", error=result.get("error", "unknown error"))
    return result


class TrainsAhead(Property):
    """A property of `train`, judged on trainings (`training(case)`, the arguments of
    `Session.train`) that the child runs a few per round trip before the cases are judged."""

    functions = ("train",)

    def training(self, case) -> dict:
        raise NotImplementedError

    def send_ahead(self, ctx, function, cases):
        run_ahead(of(ctx).train_ahead, [self.training(case) for case in cases])

    def evaluate(self, ctx, function, cases, begun=None):
        self.send_ahead(ctx, function, cases)  # nothing is sent twice: `begin` may have sent them
        return super().evaluate(ctx, function, cases)


class TrainingProperty(TrainsAhead):

    def explicit_cases(self, function):
        return C.basic_training_cases()

    def strategy(self, function, small=False):
        return C.training_cases(small=small)

    def strategy_key(self, function):
        return "train"

    def describe(self, function, case):
        return {"X": case["X"], "y": case["y"], "class": case["cls"], "seed": case["seed"]} | train_settings(case)

    def training(self, case) -> dict:
        """The arguments of `Session.train` for one case."""
        return {"cls": case["cls"], "X": case["X"], "y": case["y"], "calls": [train_settings(case)],
                "seed": case["seed"], "record": True}

    def check(self, ctx, function, case):
        result = of(ctx).train(**self.training(case))[0]
        self.judge(case, require_trained(result))

    def judge(self, case, result):
        raise NotImplementedError

    def calls_per_iteration(self, case, result):
        steps = result["trajectory"]
        if len(steps) != case["num_iters"]:
            raise Failure(
                f"train must call self.loss exactly once per iteration, but it called it {len(steps)} "
                f"times for num_iters = {case['num_iters']}.")
        return steps


class SGDStep(TrainingProperty):
    id = "sgd_step"
    title = "takes one downhill SGD step per iteration"

    def judge(self, case, result):
        steps = self.calls_per_iteration(case, result)
        lr = case["learning_rate"]
        weights = [s["W"] for s in steps] + [result["W"]]
        for t, step in enumerate(steps):
            if not close(step["reg"], case["reg"], rtol=1e-12, atol=0):
                raise Failure("train must pass its reg argument on to self.loss.", expected=case["reg"], actual=step["reg"])
            _, grad = least_squares(step["W"], step["X"], step["y"], step["reg"])
            before, after = weights[t], weights[t + 1]
            if after.shape != before.shape or not close(after, before - lr * grad, rtol=1e-9, atol=1e-12):
                if after.shape == before.shape and close(after, before, rtol=0, atol=0):
                    hint = about("W did not change: the update step W -= learning_rate * grad is missing.", "sgd_step")
                elif after.shape == before.shape and close(after, before + lr * grad, rtol=1e-9, atol=1e-12):
                    hint = about("W moved uphill (W += ...): gradient descent subtracts the gradient.", "sgd_step")
                else:
                    hint = about("each iteration must do exactly W -= learning_rate * grad with the grad of that minibatch.",
                                 "sgd_step")
                raise Failure(f"After iteration {t} the weights must be W - learning_rate * grad.",
                              expected=before - lr * grad, actual=after, hint=hint)


class LossHistory(TrainingProperty):
    id = "loss_history"
    title = "loss history, one entry per iteration"

    def judge(self, case, result):
        history = result["history"]
        if len(history) != case["num_iters"]:
            raise Failure(
                f"train must return a list with one loss per iteration: {len(history)} entries for "
                f"num_iters = {case['num_iters']}.", actual=history,
                hint=about("append the loss to loss_history once in every iteration, and return it after the loop.",
                           "loss_history"))
        steps = self.calls_per_iteration(case, result)
        expected = np.array([least_squares(s["W"], s["X"], s["y"], s["reg"])[0] for s in steps])
        if not close(history, expected, rtol=1e-9, atol=1e-12):
            raise Failure("Entry t of the loss history must be the loss self.loss returned at iteration t.",
                          expected=expected, actual=history)


class Minibatch(TrainingProperty):
    id = "minibatch"
    title = "samples minibatches of rows with their labels"

    def judge(self, case, result):
        X, y, size = case["X"], case["y"], case["batch_size"]
        steps = self.calls_per_iteration(case, result)
        rows = {row.tobytes(): i for i, row in enumerate(X)}
        batches = []
        for t, step in enumerate(steps):
            xb, yb = step["X"], step["y"]
            if xb.shape != (size, X.shape[1]) or yb.shape != (size,):
                raise Failure(
                    f"At iteration {t} the minibatch has X_batch of shape {xb.shape} and y_batch of shape "
                    f"{yb.shape}; both must have batch_size = {size} rows.",
                    hint=about("sample batch_size row indices and take X[idx] and y[idx].", "minibatch"))
            idx = [rows.get(np.asarray(r, float).tobytes()) for r in xb]
            if any(i is None for i in idx):
                raise Failure(f"At iteration {t} X_batch contains a row that is not a row of X.", actual=xb)
            if not np.array_equal(yb, y[idx]):
                raise Failure(
                    f"At iteration {t} y_batch does not hold the labels of the rows in X_batch.",
                    expected=y[idx], actual=yb,
                    hint=about("sample one set of indices and use it for both: X[idx] and y[idx].", "minibatch"))
            batches.append(tuple(idx))
        if len(batches) >= 3 and X.shape[0] >= size + 2 and len(set(batches)) == 1:
            raise Failure("Every iteration used the same minibatch: sample a new one in each iteration.",
                          actual=f"rows {list(batches[0])} every time")


class Initialisation(TrainsAhead):
    id = "initialisation"
    title = "initialises W lazily"
    shrinkable = False

    def explicit_cases(self, function):
        out = []
        for seed, (n, d, c, cls) in enumerate(((30, 20, 5, "LinearSVM"), (24, 12, 3, "Softmax"))):
            rng = np.random.RandomState(300 + seed)
            X = rng.randn(n, d)
            y = rng.permutation([i % c for i in range(n)]).astype(np.int64)
            out.append({"X": X, "y": y, "cls": cls, "seed": seed, "learning_rate": 1e-2, "reg": 0.0,
                        "num_iters": 2, "batch_size": 10})
        return out

    def describe(self, function, case):
        return {"X": f"randn{case['X'].shape}", "y": case["y"], "class": case["cls"]} | train_settings(case)

    def training(self, case) -> dict:
        """The arguments of `Session.train` for one case: two calls, to see the second continue."""
        return {"cls": case["cls"], "X": case["X"], "y": case["y"], "calls": [train_settings(case)] * 2,
                "seed": case["seed"], "record": True}

    def check(self, ctx, function, case):
        first, second = of(ctx).train(**self.training(case))
        require_trained(first)
        require_trained(second)
        d, c = case["X"].shape[1], int(case["y"].max()) + 1
        if not first["trajectory"]:
            raise Failure("train never called self.loss.")
        w0 = first["trajectory"][0]["W"]
        if w0.shape != (d, c):
            raise Failure(f"W must be created with shape (D, C) = {(d, c)}, C = np.max(y) + 1; it has shape {w0.shape}.")
        spread = float(np.std(w0))
        if not 2e-4 <= spread <= 5e-3:
            raise Failure("W must start small and random: 0.001 * np.random.randn(D, C).",
                          expected="a standard deviation near 0.001", actual=f"standard deviation {show(spread)}")
        if not second["trajectory"] or not np.array_equal(second["trajectory"][0]["W"], first["W"]):
            raise Failure("A second call to train must continue from the weights it has, not create new ones.",
                          hint=about("create W only when self.W is None.", "initialisation"))


class Learns(TrainsAhead):
    id = "learns"
    title = "learns linearly separable data"
    shrinkable = False

    def explicit_cases(self, function):
        out = []
        for seed, (c, cls) in enumerate(((2, "LinearSVM"), (3, "Softmax"), (4, "LinearSVM"))):
            X, y = C.separable_data(400 + seed, c)
            out.append({"X": X, "y": y, "cls": cls, "seed": seed, "learning_rate": 0.05, "reg": 1e-4,
                        "num_iters": 150, "batch_size": 32})
        return out

    def describe(self, function, case):
        return {"X": f"{case['X'].shape[0]} points in {case['y'].max() + 1} well separated clusters",
                "class": case["cls"]} | train_settings(case)

    def training(self, case) -> dict:
        """The arguments of `Session.train` for one case (no record: 150 iterations)."""
        return {"cls": case["cls"], "X": case["X"], "y": case["y"], "calls": [train_settings(case)],
                "seed": case["seed"], "record": False}

    def check(self, ctx, function, case):
        (result,) = of(ctx).train(**self.training(case))
        require_trained(result)
        history, W = result["history"], result["W"]
        if W.shape != (case["X"].shape[1], int(case["y"].max()) + 1):
            raise Failure(f"After training W has shape {W.shape}; expected (D, C).")
        accuracy = float(np.mean(np.argmax(case["X"] @ W, axis=1) == case["y"]))
        if len(history) < 20 or not np.all(np.isfinite(history)) or not history[-20:].mean() < history[:20].mean():
            raise Failure("On linearly separable data the training loss must go down.",
                          actual=f"loss history {show(np.asarray(history))}")
        if accuracy < 0.9:
            raise Failure("On linearly separable data the trained weights must classify at least 90% "
                          "of the training points correctly.", expected=">= 0.9", actual=accuracy)


class PredictProperty(Property):
    functions = ("predict",)
    max_examples = 25

    def explicit_cases(self, function):
        return C.basic_prediction_cases()

    def strategy(self, function, small=False):
        return C.prediction_cases(small=small)

    def strategy_key(self, function):
        return "predict"

    def describe(self, function, case):
        return {"W": case["W"], "X": case["X"], "class": case["cls"]}

    def send_ahead(self, ctx, function, cases):
        run_ahead(of(ctx).predict_ahead, [{"cls": c["cls"], "W": c["W"], "X": c["X"]} for c in cases])

    def evaluate(self, ctx, function, cases, begun=None):
        self.send_ahead(ctx, function, cases)  # nothing is sent twice: `begin` may have sent them
        return super().evaluate(ctx, function, cases)

    def check(self, ctx, function, case):
        result = of(ctx).predict(case["cls"], case["W"], case["X"])
        if not result.get("ok"):
            raise Failure("predict raised an error.", error=result.get("error", "unknown error"))
        self.judge(case, result)


class PredictMatches(PredictProperty):
    id = "matches_reference"
    title = "row-wise argmax"

    def judge(self, case, result):
        scores = case["X"] @ case["W"]
        expected = np.argmax(scores, axis=1)
        got = np.asarray(result["y"], dtype=float).ravel()
        if got.shape != expected.shape or not np.array_equal(got, expected):
            hint = None
            if got.shape == (case["W"].shape[1],):
                hint = about("you return one value per class: take the argmax over axis 1 (the classes of each row).",
                             "argmax")
            elif np.array_equal(got, np.argmin(scores, axis=1)):
                # all zeros is also what the untouched stub returns: then say nothing rather than guess
                if np.any(got):
                    hint = about("each prediction is the class with the lowest score: take np.argmax, not np.argmin.",
                                 "argmax")
            elif not np.any(got):
                hint = "all predictions are 0: is the TODO block still empty?"
            raise Failure("predict must return, for each row of X, the class with the highest score X.dot(W).",
                          expected=expected, actual=result["y"], hint=hint)


class PredictHygiene(PredictProperty):
    id = "hygiene"
    title = "inputs unchanged, one label per row"
    max_examples = 10

    def judge(self, case, result):
        n = case["X"].shape[0]
        y = result["y"]
        if y.shape != (n,):
            raise Failure(f"predict must return a 1-dimensional array of N = {n} labels, not shape {y.shape}.")
        if not np.array_equal(y, np.round(y)):
            raise Failure("predicted labels must be whole numbers (class indices).", actual=y)
        for name in ("W", "X"):
            if not np.array_equal(result["inputs"][name], case[name]):
                raise Failure(f"predict modified {'self.W' if name == 'W' else 'X'}.",
                              expected=case[name], actual=result["inputs"][name])


CLASSIFIER_PROPERTIES = (SGDStep(), LossHistory(), Minibatch(), Initialisation(), Learns(),
                         PredictMatches(), PredictHygiene())
