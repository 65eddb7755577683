"""The right answers of the two-layer net part, computed in the grader (never in the child).

The layers are the course's reference `solutions/cs231n/layers.py` (`solution_module`: compiled
under a private name, nothing called `cs231n` is imported here). `TwoLayerNet.loss` is composed
here from those layers and `reg_scale()`, the scale of the net's L2 term (the loss adds
`reg_scale * reg * (sum(W1**2) + sum(W2**2))`, the gradients `2 * reg_scale * reg * W`), so that
the properties and their hints follow one number.
"""

import numpy as np

from autograder.course import current
from autograder.grading.reference import solution_module

LAYERS_FILE = "cs231n/layers.py"


def layers():
    """The reference layers module of the course."""
    return solution_module(LAYERS_FILE)


def reg_scale() -> float:
    """The scale of the net's L2 term: the course's `[two_layer_net] reg_scale` (0.5 by default,
    CS231n's `0.5 * reg * sum(W**2)`)."""
    return float(current().option("two_layer_net", "reg_scale"))


def call(function: str, args: dict):
    """The reference answer to one call of a layer function, as the child's answer keys."""
    ref = layers()
    if function == "affine_forward":
        out, _ = ref.affine_forward(args["x"].copy(), args["w"].copy(), args["b"].copy())
        return {"out": out}
    if function == "affine_backward":
        x, w, b = args["x"].copy(), args["w"].copy(), args["b"].copy()
        dx, dw, db = ref.affine_backward(args["dout"].copy(), (x, w, b))
        return {"dx": dx, "dw": dw, "db": db}
    if function == "relu_forward":
        return {"out": ref.relu_forward(args["x"].copy())[0]}
    if function == "relu_backward":
        return {"dx": ref.relu_backward(args["dout"].copy(), args["x"].copy())}
    loss, dx = getattr(ref, function)(args["x"].copy(), args["y"].copy())
    return {"loss": float(loss), "dx": dx}


def net_scores(params: dict, X):
    ref = layers()
    hidden, _ = ref.relu_forward(ref.affine_forward(X, params["W1"], params["b1"])[0])
    return ref.affine_forward(hidden, params["W2"], params["b2"])[0]


def net_loss(params: dict, X, y, reg: float):
    """(loss, grads) of the two-layer net with the course's regularization scale."""
    ref = layers()
    W1, b1, W2, b2 = (np.asarray(params[k], float) for k in ("W1", "b1", "W2", "b2"))
    a, cache1 = ref.affine_forward(X, W1, b1)
    hidden, relu_cache = ref.relu_forward(a)
    scores, cache2 = ref.affine_forward(hidden, W2, b2)
    loss, dscores = ref.softmax_loss(scores, y)
    scale = reg_scale()
    loss = float(loss) + scale * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    dhidden, dW2, db2 = ref.affine_backward(dscores, cache2)
    _, dW1, db1 = ref.affine_backward(ref.relu_backward(dhidden, relu_cache), cache1)
    grads = {"W1": dW1 + 2 * scale * reg * W1, "b1": db1, "W2": dW2 + 2 * scale * reg * W2, "b2": db2}
    return loss, grads
