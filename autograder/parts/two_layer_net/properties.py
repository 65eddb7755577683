"""Hidden properties of the two-layer net part: the six layer functions and TwoLayerNet.loss.

Every property plans the child calls it needs for an input, sends those of all its inputs
in one request, and judges the answers in the grader against the reference (`reference`)
or against the student's own answers. Inputs come from `cases`: ReLU inputs clear of 0
(or, where they are exactly 0, any subgradient accepted), SVM scores clear of the kink,
moderate score gaps.
"""

import functools

import numpy as np

from autograder.grading.failure import Failure, show
from autograder.grading.hints import about
from autograder.grading.properties.base import PlannedProperty, close, worst_entry
from autograder.grading.reference import solution_module
from autograder.parts.two_layer_net import cases as C
from autograder.parts.two_layer_net import reference
from autograder.parts.two_layer_net.solution_slots import times

AFFINE_FORWARD, AFFINE_BACKWARD = "affine_forward", "affine_backward"
RELU_FORWARD, RELU_BACKWARD = "relu_forward", "relu_backward"
SVM_LOSS, SOFTMAX_LOSS = "svm_loss", "softmax_loss"
NET_LOSS = "two_layer_net_loss"
LOSSES = (SVM_LOSS, SOFTMAX_LOSS)
PARAMS = ("W1", "b1", "W2", "b2")
STEP = 1e-5


def _key(function: str, what: str = "") -> str:
    return f"two_layer_net/{function}{'/' + what if what else ''}"


def require_ok(outcome: dict, function: str, hint: str | None = None) -> dict:
    if not outcome.get("ok"):
        raise Failure(f"{function} raised an error on this input.", error=outcome.get("error", "unknown error"),
                      hint=hint)
    return outcome


def array_of(outcome: dict, key: str, shape, what: str, hint: str | None = None, row_ok=False) -> np.ndarray:
    """The answer `key` as a float array of `shape`; with `row_ok`, a (1, M) row stands for an (M,) vector
    (a bias or its gradient kept as a row works with the Solver and CS231n's own checks)."""
    value = np.asarray(outcome[key], float)
    if row_ok and len(shape) == 1 and value.shape == (1, shape[0]):
        value = value.reshape(shape)
    if value.shape != tuple(shape):
        raise Failure(f"{what} must have shape {tuple(shape)}, but it has shape {value.shape}.", hint=_made(hint))
    if not np.all(np.isfinite(value)):
        raise Failure(f"{what} contains inf or nan.", actual=value,
                      hint=about("an overflow in np.exp (subtract each row's maximum first) gives inf or nan.",
                                 "max_shift"))
    return value


def loss_value(outcome: dict, what: str = "the loss") -> float:
    loss = np.asarray(outcome["loss"], float)
    if loss.size != 1:
        raise Failure(f"{what} must be a single number, but it is an array of shape {loss.shape}.",
                      hint="sum or average the per-sample losses into one float.")
    value = float(loss.reshape(()))
    if not np.isfinite(value):
        raise Failure(f"{what} is {value}.", hint=about("an overflow in np.exp or a log of 0 gives inf or nan: "
                                                       "subtract each row's maximum score before np.exp.", "max_shift"))
    return value


def _made(hint):
    """A hint given as a function (made only when a check fails: most pass) or as it is."""
    return hint() if callable(hint) else hint


def compare(actual, expected, sentence: str, hint=None, **tolerance) -> None:
    """Fail with `sentence` unless `actual` is close to `expected`; `hint`: a text, or a function
    making it (called only on failure)."""
    if not close(actual, expected, **tolerance):
        hint = _made(hint)
        if hint is None:
            hint = "it is all zeros: is its TODO block still empty?" if not np.any(actual) else \
                worst_entry(actual, expected) + "."
        raise Failure(sentence, expected=expected, actual=actual, hint=hint)


def first_matching(actual, models) -> str | None:
    """The hint of the first (wrong answer, hint[, topic]) model `actual` equals, or None; a hint
    with a topic is left out when a diagnosis on that topic is shown (one voice per mistake)."""
    for wrong, hint, *topic in models:
        if wrong is not None and np.shape(wrong) == np.shape(actual) and close(actual, wrong, rtol=1e-9, atol=1e-12):
            return about(hint, *topic) if topic else hint
    return None


class PartProperty(PlannedProperty):
    """A property of this part: one call per input unless it says otherwise, examples of its own."""

    def plan(self, function: str, case: dict) -> list[dict]:
        return [dict(case)]

    def strategy_key(self, function):
        return _key(function, self.id)


# ---------------------------------------------------------------- the layers

def affine_forward_hint(case, out) -> str | None:
    x2 = case["x"].reshape(case["x"].shape[0], -1)
    return first_matching(out, [(x2 @ case["w"], "the bias b is not added."),
                                (x2 @ case["w"] - case["b"], "b is subtracted instead of added.")])


def affine_backward_hints(case, key, value) -> str | None:
    x, w, dout = case["x"], case["w"], case["dout"]
    x2 = x.reshape(x.shape[0], -1)
    if key == "db":
        return first_matching(value, [
            (dout.sum(axis=1), "db sums dout over axis 1 (the outputs); it must sum over axis 0, the N examples.",
             "bias_gradient"),
            (dout.mean(axis=0), "db averages dout; it must sum it over the N examples (dout is already averaged by the loss)."),
        ])
    if key == "dw":
        return first_matching(value, [(dout.T @ x2, "dw is transposed: it must be x.T (flattened to (N, D)) times dout, of shape (D, M).",
                                       "weight_gradient"),
                                      (x2.T @ dout / x.shape[0], "dw is divided by N; the loss's dout is already averaged.")])
    return first_matching(value, [((dout @ w.T), "dx must have the shape of x, (N, d1, ..., dk): reshape it back with .reshape(x.shape)."),
                                  (dout @ w.T / x.shape[0], "dx is divided by N; the loss's dout is already averaged.")])


def relu_backward_hint(case, dx) -> str | None:
    x, dout = case["x"], case["dout"]
    return first_matching(dx, [
        (dout * (dout > 0), "your mask is dout > 0; the gradient flows where the input x (the cache) was positive: dout * (x > 0).",
         "relu_mask"),
        ((x > 0).astype(float), "dx is the mask x > 0 alone: multiply it by dout."),
        (np.maximum(0, dout), "dx is max(0, dout); the gradient flows where the input x was positive: dout * (x > 0)."),
        (dout, "dx is dout everywhere; it must be 0 where the input x was negative."),
    ])


def loss_hint(function, case, loss, dx) -> str | None:
    x, _y = case["x"], case["y"]
    n = x.shape[0]
    expected = reference.call(function, case)
    if not np.any(dx) and loss == 0.0:
        return "your function returns a loss of 0: is its TODO block still empty?"
    if n > 1 and close(loss, expected["loss"] * n, rtol=1e-9):
        return about("the loss is the sum over the N samples; it must be their mean (divide by N), and so must dx.",
                     "averaging")
    if function == SVM_LOSS and close(loss, expected["loss"] + 1.0, rtol=1e-9):
        return about("the correct class adds its own margin s_y - s_y + 1 = 1 to each sample's loss: "
                     "skip j == y[i] (or set those margins to 0).", "correct_class")
    if function == SOFTMAX_LOSS and close(loss, expected["loss"] / n * n * n, rtol=1e-9) and n > 1:
        return "the loss is divided by N twice."
    return None


class LayerMatches(PartProperty):
    """`matches_reference` for the layers: the answer equals the reference's on drawn inputs."""

    id = "matches_reference"
    title = "matches reference"
    functions = (AFFINE_FORWARD, AFFINE_BACKWARD, RELU_FORWARD, RELU_BACKWARD, SVM_LOSS, SOFTMAX_LOSS)
    max_examples = 15

    def explicit_cases(self, function):
        if function == AFFINE_FORWARD:
            return [C.fixed_affine(1, (2, 3), 2), C.fixed_affine(2, (3, 4), 3), C.fixed_affine(3, (1, 2), 1)]
        if function == AFFINE_BACKWARD:
            return [C.fixed_affine(4, (2, 3), 2, True), C.fixed_affine(5, (3, 4), 3, True),
                    C.fixed_affine(6, (1, 2), 1, True)]
        if function == RELU_FORWARD:
            return [C.fixed_relu(7, (2, 3)), C.fixed_relu(8, (3, 4)), {"x": np.array([[0.0, -1.5, 2.0]])}]
        if function == RELU_BACKWARD:
            return [C.fixed_relu(9, (2, 3), True), C.fixed_relu(10, (3, 4), True), C.fixed_relu(11, (4,), True),
                    {"x": np.array([[0.0, -1.0, 2.0], [0.0, 3.0, 0.0]]),
                     "dout": np.array([[1.5, 2.0, -1.0], [-2.0, 0.5, 0.25]])}]
        return [C.fixed_loss(12, 3, 4, function), C.fixed_loss(13, 5, 3, function), C.fixed_loss(14, 2, 2, function)]

    def strategy(self, function, small=False):
        if function in (AFFINE_FORWARD, AFFINE_BACKWARD):
            return C.affine_cases(extra_dims=(0, 0), small=small, with_dout=function == AFFINE_BACKWARD)
        if function in (RELU_FORWARD, RELU_BACKWARD):
            return C.relu_cases(small=small, with_dout=function == RELU_BACKWARD, zeros=True)
        return C.loss_cases(function, small=small)

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        require_ok(outcome, function)
        expected = reference.call(function, case)
        if function in (AFFINE_FORWARD, RELU_FORWARD):
            out = array_of(outcome, "out", expected["out"].shape, "out")
            hint = (lambda: affine_forward_hint(case, out)) if function == AFFINE_FORWARD else None
            compare(out, expected["out"], f"The output of {function} differs from the correct value.", hint)
        elif function == AFFINE_BACKWARD:
            for key, of in (("dx", "x"), ("dw", "w"), ("db", "b")):
                value = np.asarray(outcome[key], float)
                hint = functools.partial(affine_backward_hints, case, key, value)
                value = array_of(outcome, key, case[of].shape, key, hint, row_ok=key == "db")
                compare(value, expected[key], f"{key} differs from the correct gradient.", hint)
        elif function == RELU_BACKWARD:
            dx = array_of(outcome, "dx", case["x"].shape, "dx")
            judge_relu_backward(case, dx)
        else:
            loss = loss_value(outcome)
            dx = array_of(outcome, "dx", case["x"].shape, "dx")
            hint = functools.partial(loss_hint, function, case, loss, dx)
            compare(loss, expected["loss"], "The loss differs from the correct value.", hint)
            compare(dx, expected["dx"], "dx differs from the correct gradient.", hint)


def judge_relu_backward(case, dx) -> None:
    """Where x > 0 dx is dout, where x < 0 it is 0, where x == 0 anything between 0 and dout."""
    x, dout = case["x"], case["dout"]
    expected = np.where(x > 0, dout, 0.0)
    at_kink = x == 0
    low, high = np.minimum(0.0, dout), np.maximum(0.0, dout)
    accepted = np.where(at_kink & (dx >= low - 1e-12) & (dx <= high + 1e-12), dx, expected)
    if not close(dx, accepted):
        shown = np.where(at_kink, np.nan, expected)
        note = " (where x is exactly 0, shown as nan, any value between 0 and dout is accepted)" if at_kink.any() else ""
        raise Failure(f"dx differs from the correct gradient{note}.", expected=shown, actual=dx,
                      hint=relu_backward_hint(case, dx) or worst_entry(dx, accepted) + ".")


class FlattensInputs(PartProperty):
    id = "flattens_inputs"
    title = "inputs of shape (N, d1, ..., dk)"
    functions = (AFFINE_FORWARD, AFFINE_BACKWARD)
    max_examples = 8

    def explicit_cases(self, function):
        return [C.fixed_affine(20, (2, 2, 3), 2, function == AFFINE_BACKWARD),
                C.fixed_affine(21, (3, 2, 2, 2), 3, function == AFFINE_BACKWARD)]

    def strategy(self, function, small=False):
        return C.affine_cases(extra_dims=(1, 2), small=small, with_dout=function == AFFINE_BACKWARD)

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        x = case["x"]
        flatten = f"x has shape {x.shape}: reshape it to (N, D) = {(x.shape[0], int(np.prod(x.shape[1:])))} " \
                  "with x.reshape(x.shape[0], -1) before the product."
        require_ok(outcome, function, hint=flatten)
        expected = reference.call(function, case)
        if function == AFFINE_FORWARD:
            out = array_of(outcome, "out", expected["out"].shape, "out", hint=flatten)
            compare(out, expected["out"], f"With x of shape {x.shape} the output differs from the correct value.",
                    hint=lambda: affine_forward_hint(case, out) or flatten)
            return
        for key, of in (("dx", "x"), ("dw", "w"), ("db", "b")):
            value = np.asarray(outcome[key], float)
            hint = functools.partial(affine_backward_hints, case, key, value)
            value = array_of(outcome, key, case[of].shape, key, hint, row_ok=key == "db")
            compare(value, expected[key], f"With x of shape {x.shape}, {key} differs from the correct gradient.", hint)


class ForwardInputsUnchanged(PartProperty):
    id = "inputs_unchanged"
    title = "leaves its inputs unchanged"
    functions = (AFFINE_FORWARD, RELU_FORWARD)
    max_examples = 6
    shrinkable = False

    def explicit_cases(self, function):
        if function == AFFINE_FORWARD:
            return [C.fixed_affine(30, (2, 3), 2), C.fixed_affine(31, (2, 2, 3), 2)]
        return [C.fixed_relu(32, (3, 4)), C.fixed_relu(33, (2, 2, 2))]

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        if not outcome.get("ok"):
            return  # an error is the other checks' concern (x not reshaped fails only 'flattens_inputs')
        for name, after in outcome["inputs"].items():
            before = case[name]
            after = np.asarray(after)
            if after.shape != before.shape or not np.array_equal(after, before):
                raise Failure(
                    f"{function} changed its input {name}: the cache keeps {name} for the backward pass, "
                    "so the forward function must not modify it.",
                    expected=before, actual=after,
                    hint=about(f"work on a new array (np.maximum(0, {name}), {name}.reshape(...)) instead of writing "
                               f"into {name} ({name}[...] = ..., {name}.shape = ..., in-place operators).", "in_place"))


class BackwardNumericalGradient(PartProperty):
    """dx (dw, db) of a backward function equal the numerical gradient of sum(forward(x) * dout)."""

    id = "numerical_gradient"
    title = "gradient matches a numerical gradient"
    functions = (AFFINE_BACKWARD, RELU_BACKWARD)
    max_examples = 6

    def explicit_cases(self, function):
        if function == AFFINE_BACKWARD:  # 2-D x: inputs of more axes are 'flattens_inputs' alone
            return [C.fixed_affine(40, (3, 4), 3, True)]
        return [C.fixed_relu(41, (3, 4), True)]

    def strategy(self, function, small=False):
        if function == AFFINE_BACKWARD:
            return C.affine_cases(extra_dims=(0, 0), small=small, with_dout=True)
        return C.relu_cases(small=small, with_dout=True)

    def numeric(self, function, case) -> dict:
        ref = reference.layers()
        dout = case["dout"]
        if function == RELU_BACKWARD:
            return {"dx": _numerical(lambda x: np.sum(ref.relu_forward(x)[0] * dout), case["x"])}
        x, w, b = case["x"], case["w"], case["b"]
        return {"dx": _numerical(lambda v: np.sum(ref.affine_forward(v, w, b)[0] * dout), x),
                "dw": _numerical(lambda v: np.sum(ref.affine_forward(x, v, b)[0] * dout), w),
                "db": _numerical(lambda v: np.sum(ref.affine_forward(x, w, v)[0] * dout), b)}

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        require_ok(outcome, function)
        for key, numeric in self.numeric(function, case).items():
            value = array_of(outcome, key, numeric.shape, key, row_ok=key == "db")
            compare(value, numeric, f"{key} is not the numerical gradient (centered differences, h = {STEP:g}) "
                    "of sum(forward(...) * dout).", rtol=1e-4, atol=1e-6,
                    hint=(functools.partial(relu_backward_hint, case, value) if function == RELU_BACKWARD
                          else functools.partial(affine_backward_hints, case, key, value)))


def _numerical(f, x) -> np.ndarray:
    """Centered differences of the scalar f at x (the assignment's own gradient_check, run in the
    grader on the reference's forward functions; x is a copy)."""
    check = solution_module("cs231n/gradient_check.py")
    return check.eval_numerical_gradient(f, np.array(x, float), verbose=False, h=STEP)


# ---------------------------------------------------------------- the two losses

class LossNumericalGradient(PartProperty):
    """dx equals a numerical gradient of the student's own loss."""

    id = "numerical_gradient"
    title = "gradient matches a numerical gradient"
    functions = LOSSES
    max_examples = 4

    def explicit_cases(self, function):
        return [C.fixed_loss(50, 3, 4, function)]

    def strategy(self, function, small=False):
        return C.loss_cases(function, small=small, max_n=3, max_c=4)

    def plan(self, function, case):
        calls = [{"x": case["x"], "y": case["y"]}]
        for idx in np.ndindex(case["x"].shape):
            for sign in (1.0, -1.0):
                x = case["x"].copy()
                x[idx] += sign * STEP
                calls.append({"x": x, "y": case["y"]})
        return calls

    def judge(self, function, case, outcomes):
        x = case["x"]
        dx = array_of(require_ok(outcomes[0], function), "dx", x.shape, "dx")
        loss_value(outcomes[0])
        numeric = np.zeros_like(x)
        for k, idx in enumerate(np.ndindex(x.shape)):
            plus = loss_value(require_ok(outcomes[1 + 2 * k], function))
            minus = loss_value(require_ok(outcomes[2 + 2 * k], function))
            numeric[idx] = (plus - minus) / (2 * STEP)
        compare(dx, numeric, "Your dx is not the derivative of your own loss: a centered-difference numerical "
                f"gradient (h = {STEP:g}) of the loss you return disagrees with it.", rtol=1e-4, atol=1e-6,
                hint=worst_entry(dx, numeric) + " (expected is the numerical gradient).")


class Averaging(PartProperty):
    """Each sample counted twice: the mean (and so the loss) is the same, dx is halved."""

    id = "averaging"
    title = "averages over the samples"
    functions = LOSSES
    max_examples = 6

    def explicit_cases(self, function):
        return [C.fixed_loss(60, 2, 3, function), C.fixed_loss(61, 3, 2, function)]

    def strategy(self, function, small=False):
        return C.loss_cases(function, small=small)

    def plan(self, function, case):
        return [{"x": case["x"], "y": case["y"]},
                {"x": np.vstack([case["x"], case["x"]]), "y": np.concatenate([case["y"], case["y"]])}]

    def judge(self, function, case, outcomes):
        x = case["x"]
        once = require_ok(outcomes[0], function)
        twice = require_ok(outcomes[1], function)
        loss, dx = loss_value(once), array_of(once, "dx", x.shape, "dx")
        loss2 = loss_value(twice)
        dx2 = array_of(twice, "dx", (2 * x.shape[0], x.shape[1]), "dx")
        hint = about("divide the summed loss and dx by N, the number of samples (x.shape[0]).", "averaging")
        compare(loss2, loss, "Stacking the scores x on themselves (every sample twice) must not change "
                "the loss, which is a mean over the samples; yours changed.", hint=hint)
        compare(dx2, np.vstack([dx, dx]) / 2, "Stacking the scores x on themselves (every sample twice) "
                "must halve dx (each row weighs 1 / (2N) instead of 1 / N); yours did not.", hint=hint)


class Stability(PartProperty):
    """A large shift of each row's scores changes neither the loss nor dx."""

    id = "stability"
    title = "large scores (shift invariance)"
    functions = LOSSES
    max_examples = 8

    def explicit_cases(self, function):
        base = C.fixed_loss(70, 3, 4, function)
        return [base | {"shift": np.array([1000.0, -2000.0, 5000.0])},
                C.fixed_loss(71, 2, 3, function) | {"shift": np.array([9000.0, 3000.0])}]

    def strategy(self, function, small=False):
        return C.shift_cases(function, small=small)

    def plan(self, function, case):
        return [{"x": case["x"] + case["shift"][:, None], "y": case["y"]}]

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        require_ok(outcome, function)
        shifted = {"x": case["x"] + case["shift"][:, None], "y": case["y"]}
        expected = reference.call(function, shifted)
        hint = about("subtract each row's maximum score before np.exp (x - x.max(axis=1, keepdims=True)): "
                     "exp of a score in the thousands overflows.", "max_shift") if function == SOFTMAX_LOSS else None
        raw = np.asarray(outcome["loss"], float)
        if raw.size == 1 and not np.isfinite(float(raw.reshape(()))):
            raise Failure(f"With each row of scores shifted by thousands (by {show(case['shift'])}) the loss "
                          f"must not change, but yours became {float(raw.reshape(()))}.", hint=hint)
        loss = loss_value(outcome)
        dx = array_of(outcome, "dx", case["x"].shape, "dx", hint)
        compare(loss, expected["loss"], "With each row of scores shifted by thousands the loss must not "
                "change, but yours is wrong there.", hint=hint)
        compare(dx, expected["dx"], "With each row of scores shifted by thousands dx must not change, "
                "but yours is wrong there.", hint=hint)

    def describe(self, function, case):
        return {"x": case["x"], "y": case["y"], "shift (added to each row of x)": case["shift"]}


# ---------------------------------------------------------------- TwoLayerNet.loss

def net_call(case, with_y=True, **changes) -> dict:
    call = {"mode": "loss", "dims": [case["W1"].shape[0], case["W1"].shape[1], case["W2"].shape[1]],
            "params": {k: case[k] for k in PARAMS}, "X": case["X"], "reg": case["reg"]}
    if with_y:
        call["y"] = case["y"]
    call.update(changes)
    return call


def net_answer(outcome: dict, case: dict) -> tuple[float, dict]:
    require_ok(outcome, "TwoLayerNet.loss")
    if "grads" not in outcome:
        raise Failure("TwoLayerNet.loss(X, y) must return a tuple (loss, grads).")
    loss = loss_value(outcome)
    grads = {}
    for name in PARAMS:
        if name not in outcome["grads"]:
            raise Failure(f"grads has no entry {name!r}: it must hold a gradient for every parameter "
                          f"({', '.join(PARAMS)}).", actual=sorted(outcome["grads"]))
        grads[name] = array_of(outcome["grads"], name, case[name].shape, f"grads[{name!r}]", row_ok=True)
    return loss, grads


def reg_hint(case, loss, grads, ref_loss, ref_grads) -> str | None:
    reg = case["reg"]
    if not reg:
        return None
    scale = reference.reg_scale()
    penalty = reg * (np.sum(case["W1"] ** 2) + np.sum(case["W2"] ** 2))
    data_loss = ref_loss - scale * penalty
    for factor, words in ((0.0, "no regularization at all"), (1.0, "reg * sum(W**2)"), (0.5, "0.5 * reg * sum(W**2)"),
                          (2.0, "2 * reg * sum(W**2)")):
        if factor != scale and close(loss, data_loss + factor * penalty, rtol=1e-9):
            return about(f"your loss adds {words}; this course's loss adds "
                         f"{times(scale, 'reg * (sum(W1**2) + sum(W2**2))')} (and its gradient "
                         f"{times(2 * scale, 'reg * W')} to dW1 and dW2).", "regularization")
    for factor in (0.0, 0.5, 1.0, 2.0):
        if factor != 2 * scale and all(
                close(grads[w], ref_grads[w] + (factor - 2 * scale) * reg * case[w], rtol=1e-9) for w in ("W1", "W2")):
            what = "no regularization term" if factor == 0 else times(factor, "reg * W")
            return about(f"your dW1 and dW2 get {what}; the derivative of {times(scale, 'reg * sum(W**2)')} is "
                         f"{times(2 * scale, 'reg * W')}.", "regularization")
    return None


class NetMatches(PartProperty):
    id = "matches_reference"
    title = "matches reference"
    functions = (NET_LOSS,)
    max_examples = 10

    def explicit_cases(self, function):
        return [C.fixed_net(80, 3, 4, 5, 3), C.fixed_net(81, 2, 3, 2, 2), C.fixed_net(82, 4, 2, 3, 4),
                C.fixed_net(83, 3, 4, 3, 3, reg=0.7)]

    def strategy(self, function, small=False):
        return C.net_cases(small=small)

    def plan(self, function, case):
        return [net_call(case)]

    def judge(self, function, case, outcomes):
        loss, grads = net_answer(outcomes[0], case)
        ref_loss, ref_grads = reference.net_loss(case, case["X"], case["y"], case["reg"])
        hint = reg_hint(case, loss, grads, ref_loss, ref_grads)  # a wrong architecture: the catalogue's diagnosis
        compare(loss, ref_loss, "The loss differs from the correct value (softmax loss of the scores of "
                "affine - relu - affine, plus the regularization).", hint)
        for name in PARAMS:
            compare(grads[name], ref_grads[name], f"grads[{name!r}] differs from the correct gradient.",
                    hint or net_grad_hint(case, name, grads[name], ref_grads))

    def describe(self, function, case):
        return {k: case[k] for k in ("X", "y", *PARAMS, "reg")}


def net_grad_hint(case, name, value, ref_grads) -> str | None:
    if name in ("b1", "b2"):
        return None
    scale = reference.reg_scale()
    if case["reg"] and close(value, ref_grads[name] - 2 * scale * case["reg"] * case[name], rtol=1e-9):
        return about(f"grads[{name!r}] lacks the regularization's gradient {times(2 * scale, 'reg * ' + name)}.",
                     "regularization")
    return None


def architecture_hint(case, outcome) -> str | None:
    """Names a net whose scores (loss(X) without y) are those of another architecture."""
    if not outcome.get("ok") or "scores" not in outcome:
        return None
    scores = np.asarray(outcome["scores"], float)
    expected = reference.net_scores(case, case["X"])
    linear = (case["X"] @ case["W1"] + case["b1"]) @ case["W2"] + case["b2"]
    return first_matching(scores, [
        (np.maximum(0, expected), "your scores go through a ReLU; the scores are the second affine layer's "
         "output, negative ones included (affine - relu - affine)."),
        (linear, "your hidden layer has no ReLU: the architecture is affine - relu - affine."),
    ])


class NetScores(PartProperty):
    id = "scores_without_y"
    title = "returns the scores without y"
    functions = (NET_LOSS,)
    max_examples = 6

    def explicit_cases(self, function):
        return [C.fixed_net(90, 3, 4, 5, 3), C.fixed_net(91, 1, 2, 2, 2)]

    def strategy(self, function, small=False):
        return C.net_cases(small=small, regs=(0.0,))

    def plan(self, function, case):
        return [net_call(case, with_y=False)]

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        require_ok(outcome, "TwoLayerNet.loss")
        if "scores" not in outcome:
            raise Failure("TwoLayerNet.loss(X) without y must return the scores.")
        expected = reference.net_scores(case, case["X"])
        scores = array_of(outcome, "scores", expected.shape, "the scores",
                          hint="return the (N, C) scores of the second affine layer when y is None.")
        compare(scores, expected, "Without y, TwoLayerNet.loss(X) must return the class scores of "
                "affine - relu - affine; yours differ.", hint=architecture_hint(case, outcome))

    def describe(self, function, case):
        return {k: case[k] for k in ("X", *PARAMS)}


INIT_SIZES = ((200, 100, 50, 1e-2, 5), (300, 80, 60, 0.5, 6), (150, 120, 40, 1e-3, 7))
"""(D, H, C, weight_scale, seed): every weight matrix has at least 4800 entries, so for any
Gaussian draw its mean is within 0.1 * weight_scale of 0 and its standard deviation within 10%
of weight_scale by more than six standard errors: a right initialisation never fails by chance."""


class Initialisation(PartProperty):
    id = "initialisation"
    title = "initialisation (shapes, zero biases, weight_scale)"
    functions = (NET_LOSS,)
    shrinkable = False

    def explicit_cases(self, function):
        return [{"D": d, "H": h, "C": c, "weight_scale": ws, "seed": seed} for d, h, c, ws, seed in INIT_SIZES]

    def plan(self, function, case):
        return [{"mode": "init", "dims": [case["D"], case["H"], case["C"]], "weight_scale": case["weight_scale"],
                 "seed": case["seed"]}]

    def describe(self, function, case):
        return {"TwoLayerNet(input_dim, hidden_dim, num_classes, weight_scale)":
                f"({case['D']}, {case['H']}, {case['C']}, {case['weight_scale']:g})"}

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        require_ok(outcome, "TwoLayerNet.__init__")
        params = outcome["params"]
        D, H, C_, ws = case["D"], case["H"], case["C"], case["weight_scale"]
        missing = [k for k in PARAMS if k not in params]
        if missing:
            raise Failure(f"self.params has no {', '.join(repr(k) for k in missing)}: it must hold W1, b1, W2 and b2.",
                          actual=sorted(params))
        for name, shape in (("W1", (D, H)), ("W2", (H, C_))):
            W = np.asarray(params[name], float)
            if W.shape != shape:
                raise Failure(f"params[{name!r}] must have shape {shape}, but it has shape {W.shape}.")
            std = float(W.std())
            if not (0.9 * ws <= std <= 1.1 * ws) or abs(float(W.mean())) > 0.1 * ws:
                raise Failure(f"params[{name!r}] must be drawn from a Gaussian of mean 0 and standard deviation "
                              f"weight_scale = {ws:g}.", expected=f"std about {ws:g}, mean about 0",
                              actual=f"std {std:.4g}, mean {float(W.mean()):.4g}",
                              hint="weight_scale * np.random.randn(D, H) (or np.random.normal(0, weight_scale, "
                              "(D, H))); weight_scale is the standard deviation, not the variance.")
        for name, size in (("b1", H), ("b2", C_)):
            b = np.asarray(params[name], float)
            if b.shape not in ((size,), (1, size)):
                raise Failure(f"params[{name!r}] must have shape ({size},), but it has shape {b.shape}.")
            if np.any(b != 0):
                raise Failure(f"params[{name!r}] must start at zero.", actual=b, hint="np.zeros(...) for the biases.")


class NetRegularization(PartProperty):
    id = "regularization"
    title = "regularization"
    functions = (NET_LOSS,)
    max_examples = 6

    def explicit_cases(self, function):
        return [C.fixed_net(100, 3, 3, 4, 3, reg=1.0), C.fixed_net(101, 2, 4, 2, 2, reg=2.5)]

    def strategy(self, function, small=False):
        return C.net_cases(small=small, regs=(0.5, 1.0, 2.5))

    def plan(self, function, case):
        return [net_call(case, reg=0.0), net_call(case)]

    def judge(self, function, case, outcomes):
        loss0, grads0 = net_answer(outcomes[0], case)
        loss, grads = net_answer(outcomes[1], case)
        scale, reg = reference.reg_scale(), case["reg"]
        penalty = reg * (np.sum(case["W1"] ** 2) + np.sum(case["W2"] ** 2))
        ref_loss, ref_grads = reference.net_loss(case, case["X"], case["y"], reg)
        hint = reg_hint(case, loss, grads, ref_loss, ref_grads)
        compare(loss - loss0, scale * penalty, f"The loss with reg = {reg:g} minus the loss with reg = 0 must be "
                f"{times(scale, 'reg * (sum(W1**2) + sum(W2**2))')}; yours differs.", hint or "")
        for name in PARAMS:
            extra = 2 * scale * reg * case[name] if name in ("W1", "W2") else np.zeros_like(case[name])
            compare(grads[name] - grads0[name], extra, f"grads[{name!r}] with reg = {reg:g} minus grads[{name!r}] with "
                    f"reg = 0 must be {times(2 * scale, 'reg * ' + name) if name in ('W1', 'W2') else 'zero'}.",
                    hint or None)

    def describe(self, function, case):
        return {k: case[k] for k in ("X", "y", *PARAMS, "reg")}


class NetNumericalGradient(PartProperty):
    id = "numerical_gradient"
    title = "gradients match a numerical gradient"
    functions = (NET_LOSS,)
    max_examples = 3
    checked = 4

    def explicit_cases(self, function):
        return [C.fixed_net(110, 3, 3, 4, 3, reg=0.0), C.fixed_net(111, 2, 4, 3, 3, reg=1.5)]

    def strategy(self, function, small=False):
        return C.net_cases(small=small)

    def coordinates(self, case):
        picks = []
        for name in PARAMS:
            every = list(np.ndindex(case[name].shape))
            if len(every) > self.checked:
                chosen = np.random.RandomState(len(every)).choice(len(every), self.checked, replace=False)
                every = [every[i] for i in sorted(chosen)]
            picks.extend((name, idx) for idx in every)
        return picks

    def plan(self, function, case):
        calls = [net_call(case)]
        for name, idx in self.coordinates(case):
            for sign in (1.0, -1.0):
                params = {k: case[k].copy() for k in PARAMS}
                params[name][idx] += sign * STEP
                calls.append(net_call(case, params=params))
        return calls

    def judge(self, function, case, outcomes):
        _, grads = net_answer(outcomes[0], case)
        for k, (name, idx) in enumerate(self.coordinates(case)):
            plus = loss_value(require_ok(outcomes[1 + 2 * k], "TwoLayerNet.loss"))
            minus = loss_value(require_ok(outcomes[2 + 2 * k], "TwoLayerNet.loss"))
            numeric = (plus - minus) / (2 * STEP)
            if not close(grads[name][idx], numeric, rtol=1e-4, atol=1e-6):
                raise Failure(f"grads[{name!r}] is not the derivative of your own loss: at index {idx} a "
                              f"centered-difference numerical gradient (h = {STEP:g}) is {numeric:.6g}, "
                              f"your grads[{name!r}]{list(idx)} is {grads[name][idx]:.6g}.",
                              hint=f"check the backward pass into {name} and its regularization term.")

    def describe(self, function, case):
        return {k: case[k] for k in ("X", "y", *PARAMS, "reg")}


PROPERTIES = (
    LayerMatches(), FlattensInputs(), ForwardInputsUnchanged(), BackwardNumericalGradient(),
    LossNumericalGradient(), Averaging(), Stability(),
    NetMatches(), NetScores(), Initialisation(), NetRegularization(), NetNumericalGradient(),
)
