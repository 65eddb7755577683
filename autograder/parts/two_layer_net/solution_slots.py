"""The generated lines of the two-layer net's solution files (see `autograder.release.slots`):
the regularization of `TwoLayerNet.loss`, its gradients and the sentences that state it, for
the course's `[two_layer_net] reg_scale` (0.5, CS231n's `0.5 * reg * sum(W**2)`, by default)."""

from __future__ import annotations

from autograder.course import Course
from autograder.release.slots import Slot, comment_box, nobreak

PART = "two_layer_net"


def scale_of(f: Course) -> float:
    return float(f.option(PART, "reg_scale"))


def times(factor: float, term: str) -> str:
    """`factor * term` as it is written: `reg * W` for a factor of 1."""
    return term if factor == 1 else f"{factor:g} * {term}"


def penalty_text(f: Course, reg: str = "reg") -> str:
    """The regularization term of the net's loss, as the docstring and the TODO say it."""
    return times(scale_of(f), f"{reg} * (sum(W1**2) + sum(W2**2))")


def _note(f: Course) -> list[str]:
    scale = scale_of(f)
    gradient = times(2 * scale, "reg * W")
    return comment_box(  # as wide as the box of fc_net.py's loss (76 columns)
        "NOTE: To ensure that your implementation matches ours and you pass the automated tests, make "
        f"sure that your L2 regularization is {nobreak(penalty_text(f))}, whose gradient is "
        f"{nobreak(gradient)}" + (" (the factor of 0.5 simplifies the gradient)." if scale == 0.5 else "."), width=76)


SLOTS = {
    "cs231n/classifiers/fc_net.py": (
        Slot("TwoLayerNet.loss docstring: the regularization", r"(\S+ \* )?reg \* \(sum\(W1\*\*2\) \+ sum\(W2\*\*2\)\)",
             lambda f: [penalty_text(f)]),
        Slot("TwoLayerNet.loss TODO note", r"# NOTE: To ensure that your implementation matches ours .*", _note,
             box=True),
        Slot("TwoLayerNet.loss regularization", r"loss \+= (\S+ \* )?self\.reg \* \(np\.sum\(W1 \* W1\) \+ np\.sum\(W2 \* W2\)\)",
             lambda f: [f"loss += {times(scale_of(f), 'self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))')}"]),
        Slot("TwoLayerNet.loss gradient of W1", r'grads\["W1"\] \+= (\S+ \* )?self\.reg \* W1',
             lambda f: [f'grads["W1"] += {times(2 * scale_of(f), "self.reg * W1")}']),
        Slot("TwoLayerNet.loss gradient of W2", r'grads\["W2"\] \+= (\S+ \* )?self\.reg \* W2',
             lambda f: [f'grads["W2"] += {times(2 * scale_of(f), "self.reg * W2")}']),
    ),
}
