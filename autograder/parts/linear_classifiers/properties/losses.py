"""Properties of the four loss functions (SPEC "What the hidden tests check", 1 to 8).

Each property plans the calls it needs for an input, sends the calls of all its
inputs to the child in one request, and judges the answers against the reference
and against the property itself. The SVM's inputs stay clear of the hinge kink.
"""

import numpy as np

from autograder.grading.failure import Failure, show
from autograder.grading.hints import Hint, about
from autograder.grading.properties.base import PlannedProperty, close, worst_entry
from autograder.parts.linear_classifiers import cases as C
from autograder.parts.linear_classifiers import conventions, dev_reference
from autograder.parts.linear_classifiers.formulation import current
from autograder.parts.linear_classifiers.reference import kind_of, loss_function
from autograder.parts.linear_classifiers.requests import of

LOSS_FUNCTIONS = ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")
VECTORIZED = ("svm_loss_vectorized", "softmax_loss_vectorized")


def call(W, X, y, reg, return_inputs=False) -> dict:
    return {"W": W, "X": X, "y": y, "reg": float(reg), "return_inputs": return_inputs}


def require_ok(outcome: dict, function: str) -> None:
    if not outcome.get("ok"):
        raise Failure(f"{function} raised an error on this input.", error=outcome.get("error", "unknown error"))


def loss_of(outcome: dict, function: str) -> float:
    require_ok(outcome, function)
    loss = outcome["loss"]
    if loss.size != 1:
        raise Failure(
            f"The loss must be a single number, but {function} returned an array of shape {loss.shape}.",
            hint="sum or average the per-sample losses into one float.",
        )
    value = float(loss.reshape(()))
    if not np.isfinite(value):
        raise Failure(f"{function} returned a loss of {value}.",
                      hint="an overflow in np.exp or a log of 0 gives inf or nan.")
    return value


def grad_of(outcome: dict, function: str, W: np.ndarray) -> np.ndarray:
    require_ok(outcome, function)
    dW = outcome["dW"]
    if dW.shape != W.shape:
        raise Failure(f"dW must have the shape of W, {W.shape}, but it has shape {dW.shape}.")
    dW = dW.astype(float)
    if not np.all(np.isfinite(dW)):
        raise Failure("dW contains inf or nan.", actual=dW)
    return dW


_REFERENCE_ANSWERS: dict[tuple, tuple[float, np.ndarray]] = {}
_MAX_REMEMBERED = 20000


def reference(function: str, W, X, y, reg):
    """The reference (loss, dW), remembered by input: the examples are the same for every submission."""
    course = current()
    key = (kind_of(function), course, W.shape, X.shape, W.tobytes(), X.tobytes(), y.tobytes(), float(reg))
    answer = _REFERENCE_ANSWERS.get(key)
    if answer is None:
        loss, dW = loss_function(kind_of(function))(W.copy(), X.copy(), y.copy(), reg)
        answer = (float(loss), np.asarray(dW, float))
        answer[1].flags.writeable = False
        if len(_REFERENCE_ANSWERS) < _MAX_REMEMBERED:
            _REFERENCE_ANSWERS[key] = answer
    return answer


def compare_to_reference(function, W, X, y, reg, loss, dW, what="", expected=None) -> None:
    """Raise a Failure when (loss, dW) is not the reference's answer (`expected`, when known)."""
    ref_loss, ref_dW = expected or reference(function, W, X, y, reg)
    if not close(loss, ref_loss):
        hint = None
        if loss == 0.0:
            hint = "your function returns a loss of 0: is its TODO block still empty?"
        else:
            hint = conventions.other_formulation(kind_of(function), W, X, y, reg, loss, dW, ref_loss, ref_dW)
        raise Failure(f"The loss differs from the correct value{what}.", expected=ref_loss, actual=loss, hint=hint)
    if not close(dW, ref_dW):
        hint = "dW is all zeros: is the gradient computed at all?" if not np.any(dW) else worst_entry(dW, ref_dW) + "."
        other = conventions.other_formulation(kind_of(function), W, X, y, reg, loss, dW, ref_loss, ref_dW)
        if other and np.any(dW):
            hint = Hint(f"{other} ({hint})", other.topics, otherwise=hint)
        raise Failure(f"The gradient dW differs from the correct gradient{what}.", expected=ref_dW, actual=dW, hint=hint)


class LossProperty(PlannedProperty):
    """A property of a loss function: plan calls per input, judge the outcomes."""

    functions = LOSS_FUNCTIONS

    def plan(self, function: str, case: dict) -> list[dict]:
        return [call(case["W"], case["X"], case["y"], case["reg"])]

    def describe(self, function, case):
        return {k: case[k] for k in ("W", "X", "y", "reg") if k in case}


class MatchesReference(LossProperty):
    id = "matches_reference"
    title = "matches reference"
    max_examples = 20

    def explicit_cases(self, function):
        kind = kind_of(function)
        return C.basic_cases(kind) + C.edge_cases(kind)

    def strategy(self, function, small=False):
        return C.loss_cases(kind_of(function), small=small)

    def strategy_key(self, function):
        return kind_of(function)

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        loss = loss_of(outcome, function)
        dW = grad_of(outcome, function, case["W"])
        compare_to_reference(function, case["W"], case["X"], case["y"], case["reg"], loss, dW)

    def gate_cases(self, function):
        return C.basic_cases(kind_of(function))


class AgreesWithNaive(LossProperty):
    id = "agrees_with_naive"
    title = "agrees with the naive version at CS231n size"
    functions = VECTORIZED
    shrinkable = False

    def explicit_cases(self, function):
        return [C.cs231n_dev_case(reg=5e-6), C.cs231n_dev_case(reg=1e3)]

    def prepare(self, function):
        for case in self.explicit_cases(function):
            dev_reference.answer(kind_of(function), case["seed"], case["reg"])

    def fill_cache(self, function):
        """The reference's answers, and the dev problem itself (kept in the cache folder: the
        child reads it; the answers, once cached, no longer make it)."""
        self.prepare(function)
        for case in self.explicit_cases(function):
            C.dev_problem(case["seed"])

    def check(self, ctx, function, case, ticket=None):
        self.judge(function, case, [of(ctx).call_stored(function, case, ticket)])

    def send_ahead(self, ctx, function, cases):
        return [of(ctx).send_stored(function, case) for case in cases]

    def evaluate(self, ctx, function, cases, begun=None):
        for case, ticket in zip(cases, begun or [None] * len(cases), strict=True):
            try:
                self.check(ctx, function, case, ticket)
            except Failure as failure:
                return case, failure
        return None

    def describe(self, function, case):
        n, d, c = C.DEV_SHAPE["N"], C.DEV_SHAPE["D"], C.DEV_SHAPE["C"]
        return {"W": f"1e-4 * randn{(d, c)}", "X": f"CIFAR-10-like data of shape {(n, d)}",
                "y": f"random labels 0..9 of shape {(n,)}", "reg": case["reg"]}

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        expected = dev_reference.answer(kind_of(function), case["seed"], case["reg"])
        loss = loss_of(outcome, function)
        dW = grad_of(outcome, function, expected[1])  # the reference's dW has the shape of W
        if close(loss, expected[0]) and close(dW, expected[1]):
            return
        W, X, y = C.dev_problem(case["seed"])  # made only to explain the failure
        compare_to_reference(function, W, X, y, case["reg"], loss, dW, expected=expected,
                             what=" that the naive version computes at N = 500, D = 3073, C = 10")


class NumericalGradient(LossProperty):
    id = "numerical_gradient"
    title = "gradient matches a numerical gradient"
    max_examples = 5
    step = 1e-5
    checked = 6

    def strategy(self, function, small=False):
        return C.loss_cases(kind_of(function), max_d=3, max_c=4, small=small)

    def strategy_key(self, function):
        return kind_of(function)

    def explicit_cases(self, function):
        return [C.fixed_case(21, 4, 3, 3, reg=0.0, kind=kind_of(function)),
                C.fixed_case(22, 3, 2, 4, reg=2.5, kind=kind_of(function))]

    def coordinates(self, W) -> list[tuple[int, int]]:
        """Up to `checked` entries of W, spread deterministically (like CS231n's grad_check_sparse)."""
        every = list(np.ndindex(W.shape))
        if len(every) <= self.checked:
            return every
        picks = np.random.RandomState(W.size).choice(len(every), self.checked, replace=False)
        return [every[i] for i in sorted(picks)]

    def plan(self, function, case):
        W = case["W"]
        calls = [call(W, case["X"], case["y"], case["reg"])]
        for idx in self.coordinates(W):
            for sign in (1.0, -1.0):
                Wh = W.copy()
                Wh[idx] += sign * self.step
                calls.append(call(Wh, case["X"], case["y"], case["reg"]))
        return calls

    def judge(self, function, case, outcomes):
        W = case["W"]
        dW = grad_of(outcomes[0], function, W)
        loss_of(outcomes[0], function)
        numeric = np.full(W.shape, np.nan)
        for k, idx in enumerate(self.coordinates(W)):
            plus = loss_of(outcomes[1 + 2 * k], function)
            minus = loss_of(outcomes[2 + 2 * k], function)
            numeric[idx] = (plus - minus) / (2 * self.step)
        checked = ~np.isnan(numeric)
        if not close(dW[checked], numeric[checked], rtol=1e-4, atol=1e-6):
            dW = np.where(checked, dW, np.nan)
            raise Failure(
                "Your dW is not the derivative of your own loss: a centered-difference numerical "
                f"gradient (h = {self.step:g}) of the loss you return disagrees with it "
                "(entries shown as nan were not checked).",
                expected=numeric, actual=dW, hint=worst_entry(dW, numeric) + " (expected is the numerical gradient).",
            )


class ShiftInvariance(LossProperty):
    id = "shift_invariance"
    title = "shift invariance and large scores"

    def strategy(self, function, small=False):
        return C.shift_cases(kind_of(function), small=small)

    def strategy_key(self, function):
        return kind_of(function)

    def explicit_cases(self, function):
        return C.large_gap_cases(kind_of(function))

    def describe(self, function, case):
        return {k: case[k] for k in ("W", "X", "y", "v")} | {"reg": 0.0}

    def plan(self, function, case):
        shifted = case["W"] + case["v"][:, None]
        return [call(case["W"], case["X"], case["y"], 0.0), call(shifted, case["X"], case["y"], 0.0)]

    def judge(self, function, case, outcomes):
        W, X, y = case["W"], case["X"], case["y"]
        shifted = W + case["v"][:, None]
        offsets = X @ case["v"]
        require_ok(outcomes[1], function)
        raw = outcomes[1]["loss"]
        if raw.size == 1 and not np.isfinite(float(raw.reshape(()))):
            raise Failure(
                "Adding the vector v to every column of W shifts the scores of each sample by the "
                f"same amount (here by {show(offsets)}); your loss became {float(raw.reshape(()))}.",
                hint=about("subtract each row's maximum score before calling np.exp "
                          "(the row maximum, not the maximum of the whole matrix).", "max_shift"),
            )
        base_loss, base_dW = loss_of(outcomes[0], function), grad_of(outcomes[0], function, W)
        loss, dW = loss_of(outcomes[1], function), grad_of(outcomes[1], function, W)
        ref_loss, ref_dW = reference(function, shifted, X, y, 0.0)
        if not close(loss, ref_loss):
            raise Failure(
                "With scores shifted by thousands (v added to every column of W, reg = 0) the loss "
                "must not change, but yours is wrong there.",
                expected=ref_loss, actual=loss,
                hint=about(epsilon_in_log_hint(function, W, X, y, loss), "log_of_clipped")
                or (None if close(base_loss, ref_loss) else WRONG_BEFORE_THE_SHIFT),
            )
        if not close(dW, ref_dW):
            raise Failure(
                "With scores shifted by thousands (v added to every column of W, reg = 0) dW must "
                "not change, but yours is wrong there.", expected=ref_dW, actual=dW,
                hint=None if close(base_dW, ref_dW) else WRONG_BEFORE_THE_SHIFT,
            )


WRONG_BEFORE_THE_SHIFT = "it is wrong before the shift too (the same W, X and y without v), so the shift is not the cause."
"""Said of this input only: the inputs of 'matches reference' are others, and it may well pass."""


def epsilon_in_log_hint(function: str, W, X, y, loss: float) -> str | None:
    """Recognise a Softmax loss computed as -log(max(p, eps)) or -log(p + eps), eps = 10**-k.

    Clipping the probabilities (`np.clip(p, 1e-12, 1)`) or adding `eps` before the log is
    right on ordinary inputs and wrong where a correct-class probability p is tiny (its
    score far below the best one): there -log(p) is large, and the student's term stops
    growing at -log(eps). Recognised from the numbers: the loss equals one of these
    models to 1e-9, which an unrelated wrong loss almost never does.
    """
    if kind_of(function) != "softmax":
        return None
    scores = X @ W
    best = scores.max(axis=1)
    terms = np.log(np.exp(scores - best[:, None]).sum(axis=1)) + best - scores[np.arange(len(y)), y]
    p = np.exp(-terms)
    for k in range(1, 21):
        eps = 10.0**-k
        clipped, added = -np.log(np.maximum(p, eps)), -np.log(p + eps)
        is_clipped = close(float(clipped.mean()), loss, rtol=1e-9, atol=1e-12)
        is_added = close(float(added.mean()), loss, rtol=1e-9, atol=1e-12)
        if not (is_clipped or is_added):
            continue
        i = int(np.argmax(np.abs((clipped if is_clipped else added) - terms)))
        sample = f"sample {i} has p = {p[i]:.3g}, so its loss should be -log(p) = {terms[i]:.4g}"
        fix = "Compute log(p) directly from the shifted scores: s - max - log(sum(exp(s - max)))."
        if is_clipped:  # on this input both may fit: when every p that differs is far below eps
            how = f"clipped at {eps:g}, or {eps:g} is added to them," if is_added else f"clipped at {eps:g}"
            return (f"each sample's loss stops growing at {-np.log(eps):.4g} = -log({eps:g}): "
                    f"the probabilities are {how} before the log. Here {sample}. {fix}")
        return (f"your loss is -log(p + {eps:g}) instead of -log(p): it is off wherever the "
                f"correct-class probability p is small and never exceeds -log({eps:g}) = "
                f"{-np.log(eps):.4g}. Here {sample}. {fix}")
    return None


class LargeMargins(LossProperty):
    id = "large_margins"
    title = "zero loss at large margins"
    max_examples = 8

    def strategy(self, function, small=False):
        return C.large_margin_cases(small=small)

    def strategy_key(self, function):
        return "all"

    def plan(self, function, case):
        return [call(case["W"], case["X"], case["y"], 0.0), call(4 * case["W"], case["X"], case["y"], 0.0)]

    def judge(self, function, case, outcomes):
        W = case["W"]
        loss, dW = loss_of(outcomes[0], function), grad_of(outcomes[0], function, W)
        loss4, dW4 = loss_of(outcomes[1], function), grad_of(outcomes[1], function, W)
        if kind_of(function) == "svm":
            if abs(loss) > 1e-12 or np.any(np.abs(dW) > 1e-12):
                raise Failure(
                    f"Every correct score beats every other score by more than delta = {current().delta_text}, so every "
                    "margin is negative: the SVM loss and dW must be exactly 0 (reg = 0).",
                    expected="loss 0 and dW all zeros", actual=f"loss {show(loss)}, dW max |entry| {show(np.max(np.abs(dW)))}",
                    hint=about("skip the correct class j == y[i], and count only positive margins.", "correct_class"),
                )
            return
        ref_loss = reference(function, 4 * W, case["X"], case["y"], 0.0)[0]
        if not (0.0 <= loss4 <= loss + 1e-12) or not close(loss4, ref_loss, atol=1e-9):
            raise Failure(
                "Every correct score beats the others by a wide margin, so the Softmax loss must be "
                "close to 0 and must shrink further when the weights are scaled up (here W times 4).",
                expected=f"loss(4 W) = {show(ref_loss)} (and not above loss(W))",
                actual=f"loss(W) = {show(loss)}, loss(4 W) = {show(loss4)}",
            )
        if not close(dW4, reference(function, 4 * W, case["X"], case["y"], 0.0)[1], atol=1e-9):
            raise Failure("At large margins the Softmax gradient must be close to 0.",
                          expected=reference(function, 4 * W, case["X"], case["y"], 0.0)[1], actual=dW4)


class InitialLoss(LossProperty):
    id = "initial_loss"
    title = "initial loss with small weights"
    max_examples = 6

    def strategy(self, function, small=False):
        return C.initial_loss_cases(small=small)

    def strategy_key(self, function):
        return "all"

    def describe(self, function, case):
        return {"W": f"1e-4 * randn{case['W'].shape}", "X": f"randn{case['X'].shape}", "y": case["y"], "reg": 0.0}

    def plan(self, function, case):
        zeros = np.zeros_like(case["W"])
        return [call(zeros, case["X"], case["y"], 0.0), call(case["W"], case["X"], case["y"], 0.0)]

    def judge(self, function, case, outcomes):
        num_classes = case["W"].shape[1]
        at_zero, at_small = loss_of(outcomes[0], function), loss_of(outcomes[1], function)
        hint = None
        if kind_of(function) == "svm":
            course = current()
            expected = course.svm_loss_at_zero(num_classes)
            square = f", whose square is {course.delta**2:g}," if course.is_squared else ""
            why = (f"with W = 0 every score is 0, so each of the C - 1 = {num_classes - 1} wrong classes "
                   f"has margin 0 - 0 + {course.delta_text} = {course.delta_text}{square} and the loss is exactly "
                   f"{course.svm_loss_at_zero_text}")
            hint = conventions.svm_loss_at_zero(num_classes, at_zero)
        else:
            expected = float(np.log(num_classes))
            why = (f"with W = 0 all C = {num_classes} classes are equally likely, p = 1/C, so the loss "
                   "is exactly log(C) (-log(0.1) = 2.303 for 10 classes)")
        if not close(at_zero, expected, rtol=1e-9, atol=1e-12):
            raise Failure(f"The loss at W = 0 is wrong: {why}.", expected=expected, actual=at_zero, hint=hint)
        if abs(at_small - expected) > 0.01 * max(1.0, expected):
            raise Failure(f"With tiny weights (1e-4 * randn) the loss should be close to {show(expected)}: {why}.",
                          expected=expected, actual=at_small)


class Regularization(LossProperty):
    id = "regularization"
    title = "regularization term and gradient"

    def strategy(self, function, small=False):
        return C.loss_cases(kind_of(function), regs=C.REGS, small=small)

    def strategy_key(self, function):
        return kind_of(function)

    def explicit_cases(self, function):
        return [C.fixed_case(31, 4, 3, 3, reg=1.0, kind=kind_of(function)),
                C.fixed_case(32, 6, 4, 2, reg=10.0, kind=kind_of(function))]

    def plan(self, function, case):
        return [call(case["W"], case["X"], case["y"], case["reg"]), call(case["W"], case["X"], case["y"], 0.0)]

    def judge(self, function, case, outcomes):
        W, reg, n = case["W"], case["reg"], case["X"].shape[0]
        with_reg, without = loss_of(outcomes[0], function), loss_of(outcomes[1], function)
        g_with, g_without = grad_of(outcomes[0], function, W), grad_of(outcomes[1], function, W)
        course = current()
        penalty = reg * course.reg_term(W)
        diff = with_reg - without
        if not close(diff, penalty):
            raise Failure(f"loss(reg) - loss(0) must be the regularization term {course.reg_text}.",
                          expected=penalty, actual=diff, hint=conventions.regularization_term(W, reg, n, diff))
        gdiff = g_with - g_without
        expected = reg * course.reg_gradient(W)
        if not close(gdiff, expected):
            raise Failure(f"dW(reg) - dW(0) must be the gradient of the regularization, {course.reg_gradient_text}.",
                          expected=expected, actual=gdiff, hint=conventions.regularization_gradient(W, reg, n, gdiff))


class AveragingSymmetry(LossProperty):
    id = "averaging_symmetry"
    title = "averaging and symmetry"

    def strategy(self, function, small=False):
        return C.permutation_cases(kind_of(function), small=small)

    def strategy_key(self, function):
        return kind_of(function)

    def explicit_cases(self, function):
        out = []
        for seed in (41, 42):
            base = C.fixed_case(seed, 4, 3, 3, reg=0.5, kind=kind_of(function))
            rng = np.random.RandomState(seed)
            base["sample_order"] = rng.permutation(4)
            base["class_order"] = rng.permutation(3)
            out.append(base)
        return out

    def describe(self, function, case):
        return {k: case[k] for k in ("W", "X", "y", "reg", "sample_order", "class_order")}

    def variants(self, case):
        W, X, y, reg = case["W"], case["X"], case["y"], case["reg"]
        order, classes = case["sample_order"], case["class_order"]
        relabel = np.argsort(classes)
        return [
            ("the samples in another order (X[sample_order], y[sample_order])", W, X[order], y[order], reg),
            ("the data set repeated twice", W, np.vstack([X, X]), np.concatenate([y, y]), reg),
            ("the classes renumbered (columns of W and labels permuted together)", W[:, classes], X, relabel[y], reg),
        ]

    def plan(self, function, case):
        calls = [call(case["W"], case["X"], case["y"], case["reg"])]
        calls += [call(*v[1:]) for v in self.variants(case)]
        return calls

    def judge(self, function, case, outcomes):
        W = case["W"]
        loss, dW = loss_of(outcomes[0], function), grad_of(outcomes[0], function, W)
        expected_grads = [dW, dW, dW[:, case["class_order"]]]
        for (what, *_), outcome, want in zip(self.variants(case), outcomes[1:], expected_grads, strict=False):
            other = loss_of(outcome, function)
            if not close(other, loss):
                hint = (Hint("the loss must be the average over the N samples: divide by N.", frozenset({"averaging"}))
                        if "repeated" in what else "each sample must use its own row X[i] and label y[i].")
                raise Failure(f"The loss changed when given {what}.", expected=loss, actual=other, hint=hint)
            grad = grad_of(outcome, function, want)
            if not close(grad, want):
                hint = (Hint("dW must be averaged over the N samples too.", frozenset({"averaging"})) if "repeated" in what
                        else "every sample's contribution must go into dW inside the loop over samples.")
                raise Failure(f"dW changed when given {what}.", expected=want, actual=grad, hint=hint)


class Hygiene(LossProperty):
    id = "hygiene"
    title = "inputs unchanged, outputs well formed"
    max_examples = 4

    def strategy(self, function, small=False):
        return C.loss_cases(kind_of(function), small=small)

    def strategy_key(self, function):
        return kind_of(function)

    def explicit_cases(self, function):
        return C.edge_cases(kind_of(function))[:2]

    def plan(self, function, case):
        return [call(case["W"], case["X"], case["y"], case["reg"], return_inputs=True)]

    def judge(self, function, case, outcomes):
        (outcome,) = outcomes
        require_ok(outcome, function)
        for name in ("W", "X", "y"):
            after = outcome["inputs"][name]
            if after.shape != case[name].shape or not np.array_equal(after, case[name]):
                raise Failure(f"{function} modified its input {name} in place.", expected=case[name], actual=after,
                              hint=about(f"work on a copy (e.g. {name}.copy()) or use operations that return new arrays.",
                                        "in_place"))
        loss = outcome["loss"]
        if loss.ndim != 0:
            raise Failure(f"The loss must be a single number (a float), not an array of shape {loss.shape}.",
                          actual=f"a {outcome['loss_type']} of shape {loss.shape}")
        if outcome["dW_type"] != "ndarray":
            raise Failure(f"dW must be a numpy array, not a {outcome['dW_type']}.")
        grad = grad_of(outcome, function, case["W"])
        if outcome["dW"].dtype.kind != "f":
            raise Failure(f"dW must hold floats, not {outcome['dW'].dtype}.", actual=grad)
        loss_of(outcome, function)


LOSS_PROPERTIES = (
    MatchesReference(), AgreesWithNaive(), NumericalGradient(), ShiftInvariance(), LargeMargins(),
    InitialLoss(), Regularization(), AveragingSymmetry(), Hygiene(),
)
