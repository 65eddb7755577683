"""The linear classifiers' requests to the child beyond a plain call: trainings, predictions
and the CS231n-size problem (see `harness.py` for the child's side).

Trainings and predictions are remembered per submission, because several properties judge
the same run; they can be sent ahead in one request (`train_ahead`, `predict_ahead`).
"""

import time

from autograder import parts

PART = "linear_classifiers"


def _train_key(cls: str, X, y, calls: list[dict], seed: int, record: bool) -> tuple:
    """What identifies a training run: its trainings are remembered by it."""
    return (cls, X.tobytes(), X.shape, y.tobytes(), repr(calls), seed, record)


def _predict_key(cls: str, W, X) -> tuple:
    """What identifies a prediction: predictions are remembered by it."""
    return (cls, W.tobytes(), W.shape, X.tobytes(), X.shape)


class LinearRequests:
    """One submission's trainings, predictions and stored-problem calls (`of(session)`)."""

    def __init__(self, session):
        self.session = session
        self._trained: dict[tuple, tuple[dict, dict]] = {}
        self._predicted: dict[tuple, tuple[dict, dict]] = {}
        self._stored = None

    # ---- training and prediction ----
    @staticmethod
    def _train_request(cls: str, X, y, calls: list[dict], seed: int, record: bool) -> dict:
        return {"op": f"{PART}.train", "file": parts.function("train").file, "cls": cls, "X": X, "y": y,
                "calls": calls, "seed": seed, "record": record}

    def train(self, cls: str, X, y, calls: list[dict], seed: int, record: bool) -> list[dict]:
        """Train in the child with the stand-in loss; remembered, because several properties
        judge the same run."""
        job = {"cls": cls, "X": X, "y": y, "calls": calls, "seed": seed, "record": record}
        return self.session.remembered("train", self._trained, _train_key(**job), self._train_request(**job))["results"]

    def train_ahead(self, jobs: list[dict]) -> None:
        """Send trainings that `train` will be asked for (its keyword arguments) in one request."""
        self.session.ahead("train", self._trained, [_train_key(**job) for job in jobs],
                           [self._train_request(**job) for job in jobs])

    @staticmethod
    def _predict_request(cls: str, W, X) -> dict:
        return {"op": f"{PART}.predict", "file": parts.function("predict").file, "cls": cls, "W": W, "X": X}

    def predict(self, cls: str, W, X) -> dict:
        """Predict in the child; remembered, because two properties judge the same inputs."""
        return self.session.remembered("predict", self._predicted, _predict_key(cls, W, X),
                                       self._predict_request(cls, W, X))

    def predict_ahead(self, jobs: list[dict]) -> None:
        """Predictions that `predict` will be asked for (its keyword arguments), in one request."""
        self.session.ahead("predict", self._predicted, [_predict_key(**job) for job in jobs],
                           [self._predict_request(**job) for job in jobs])

    # ---- the CS231n-size problem ----
    def _store(self, function: str, case: dict) -> None:
        """Have the child make the CS231n-size arrays (once per child) before it is timed on them."""
        session = self.session
        if self._stored is not session.child or not session.child.alive:
            session.request(function, {"op": f"{PART}.store", "seed": case["seed"]})
            self._stored = session.child

    def call_stored(self, function: str, case: dict, ticket=None) -> dict:
        """Call a loss function on the CS231n-size arrays (see `cases.cs231n_dev_case`), which the
        child makes from their seed when it has not yet (or the answer to `send_stored`'s request)."""
        return self.session.request(function, self._stored_message(function, case), ticket)

    def send_stored(self, function: str, case: dict):
        """Send the request of `call_stored(function, case)` ahead (see `Session.send`)."""
        return self.session.send(function, self._stored_message(function, case))

    @staticmethod
    def _stored_message(function: str, case: dict) -> dict:
        return {"op": f"{PART}.call_stored", "file": parts.function(function).file, "fn": function,
                "reg": case["reg"], "seed": case["seed"]}

    def python_steps(self, function: str, sizes: tuple[int, ...]) -> dict:
        """Python line events of `function` at each sample count in `sizes` (see harness.op_python_steps)."""
        return self.session.request(function, {"op": f"{PART}.python_steps", "file": parts.function(function).file,
                                               "fn": function, "sizes": list(sizes)})

    def _timed(self, function: str, fn: str, reg: float) -> tuple[float, dict]:
        session = self.session
        session.settle()  # the child works on this request alone while it is timed
        start = time.perf_counter()
        answer = session.request(function, {"op": f"{PART}.run_stored", "file": parts.function(function).file,
                                             "fn": fn, "reg": reg})
        return time.perf_counter() - start, answer

    def time_at_scale(self, function: str, case: dict, repeats: int = 2) -> dict:
        """Best-of-`repeats` wall times of `function` and of the unavoidable matrix products (a
        slow run of the products only makes the comparison more lenient)."""
        self._store(function, case)
        floor = min(self._timed(function, "__matrix_products__", 0.0)[0] for _ in range(repeats))
        times = []
        for _ in range(repeats):
            elapsed, answer = self._timed(function, function, case["reg"])
            if not answer.get("ok"):
                return {"error": answer.get("error", "unknown error")}
            times.append(elapsed)
        self.session.timings[function] = {"function": min(times), "matrix_products": floor}
        return self.session.timings[function]


def of(session) -> LinearRequests:
    """The submission's `LinearRequests` (one per session)."""
    return session.state(PART, LinearRequests)
