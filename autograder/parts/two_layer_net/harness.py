"""The two-layer net's calls inside the sandboxed child (numpy and the standard library only).

Every graded function is called on its own: a backward function gets a cache built the
CS231n way (affine: `(x, w, b)`, ReLU: `x`) from the request, not one the student's
forward made, so a broken forward costs only the forward's points (DESIGN principle 3).
`TwoLayerNet.loss` runs with this module's own layers in place of the student's: they
are put into the namespaces of fc_net.py, layer_utils.py and layers.py for the call and
taken out again afterwards. The reference solutions never enter the child; the few
lines below are all the child knows of the right answers, and it only uses them to
stand in for the student's layers, never to judge.
"""

import sys
import types

import numpy as np

LAYERS_FILE = "cs231n/layers.py"
LAYER_UTILS_MODULE = "cs231n.layer_utils"
MAX_ANSWER = 4_000_000
"""Entries an answer array may have (the largest request is far below)."""


# ---- the stand-in layers for TwoLayerNet.loss (plain textbook formulas) ----

def _affine_forward(x, w, b):
    return x.reshape(x.shape[0], -1).dot(w) + b, (x, w, b)


def _affine_backward(dout, cache):
    x, w, _ = cache
    return dout.dot(w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T.dot(dout), dout.sum(axis=0)


def _relu_forward(x):
    return np.maximum(0, x), x


def _relu_backward(dout, cache):
    return dout * (cache > 0)


def _softmax_loss(x, y):
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = x.shape[0]
    dx = np.exp(log_probs)
    dx[np.arange(n), y] -= 1
    return -log_probs[np.arange(n), y].mean(), dx / n


def _svm_loss(x, y):
    n = x.shape[0]
    margins = np.maximum(0, x - x[np.arange(n), y][:, None] + 1)
    margins[np.arange(n), y] = 0
    dx = (margins > 0).astype(float)
    dx[np.arange(n), y] = -dx.sum(axis=1)
    return margins.sum() / n, dx / n


def _affine_relu_forward(x, w, b):
    a, fc_cache = _affine_forward(x, w, b)
    out, relu_cache = _relu_forward(a)
    return out, (fc_cache, relu_cache)


def _affine_relu_backward(dout, cache):
    fc_cache, relu_cache = cache
    return _affine_backward(_relu_backward(dout, relu_cache), fc_cache)


STAND_INS = {
    "affine_forward": _affine_forward,
    "affine_backward": _affine_backward,
    "relu_forward": _relu_forward,
    "relu_backward": _relu_backward,
    "softmax_loss": _softmax_loss,
    "svm_loss": _svm_loss,
    "affine_relu_forward": _affine_relu_forward,
    "affine_relu_backward": _affine_relu_backward,
}


class _StandInLayers:
    """Puts STAND_INS into the given namespaces (where those names exist) and takes them out."""

    def __init__(self, namespaces):
        self.namespaces = namespaces
        self.saved = []

    def __enter__(self):
        for namespace in self.namespaces:
            for name, function in STAND_INS.items():
                if name in namespace:
                    self.saved.append((namespace, name, namespace[name]))
                    namespace[name] = function
        return self

    def __exit__(self, *exc):
        for namespace, name, original in reversed(self.saved):
            namespace[name] = original
        return False


def _namespaces(box, fc_net):
    """Where fc_net.py can find the layers: its own globals, the globals of the layer functions
    it imported (layer_utils.py's, for the sandwich layers), the layers and layer_utils modules
    it imported as modules, and the layers module itself (`cs231n.layers.affine_forward`)."""
    spaces = [vars(fc_net)]
    for value in list(vars(fc_net).values()):
        if isinstance(value, types.FunctionType) and value.__name__ in STAND_INS:
            spaces.append(value.__globals__)
        elif isinstance(value, types.ModuleType) and value.__name__.rpartition(".")[2] in ("layers", "layer_utils"):
            spaces.append(vars(value))
    utils = sys.modules.get(LAYER_UTILS_MODULE)
    if utils is not None:
        spaces.append(vars(utils))
    try:
        spaces.append(vars(box.module(LAYERS_FILE)))
    except box.StudentError:
        pass
    unique = {id(space): space for space in spaces}
    return list(unique.values())


# ---- the calls ----

def _pair(box, value, what):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise box.StudentError(f"{what} returned a {type(value).__name__}, not a tuple of two values")
    return value


def _array(box, value, what):
    if value is None:
        raise box.StudentError(f"{what} is None: is the TODO block still empty?")
    return box.plain_array(value, what, MAX_ANSWER)


def _affine_forward_call(box, func, args):
    x, w, b = args["x"], args["w"], args["b"]
    out, _ = _pair(box, func(x, w, b), "affine_forward")
    return {"out": _array(box, out, "out"), "inputs": {"x": x, "w": w, "b": b}}


def _affine_backward_call(box, func, args):
    x, w, b = args["x"], args["w"], args["b"]
    answer = func(args["dout"], (x, w, b))
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise box.StudentError(f"affine_backward returned a {type(answer).__name__}, not a tuple (dx, dw, db)")
    dx, dw, db = answer
    return {"dx": _array(box, dx, "dx"), "dw": _array(box, dw, "dw"), "db": _array(box, db, "db")}


def _relu_forward_call(box, func, args):
    x = args["x"]
    out, _ = _pair(box, func(x), "relu_forward")
    return {"out": _array(box, out, "out"), "inputs": {"x": x}}


def _relu_backward_call(box, func, args):
    return {"dx": _array(box, func(args["dout"], args["x"]), "dx")}


def _loss_call(box, func, args):
    x, y = args["x"], args["y"]
    loss, dx = _pair(box, func(x, y), "the loss function")
    return {"loss": _array(box, loss, "the loss"), "dx": _array(box, dx, "dx"), "inputs": {"x": x}}


def _net(box, cls, args):
    """A TwoLayerNet of the request's sizes, built by the student's __init__ when it works
    (seeded), else without it: `loss` is graded whatever __init__ does."""
    D, H, C = (int(n) for n in args["dims"])
    box.seed(int(args.get("seed", 0)))
    try:
        return cls(input_dim=D, hidden_dim=H, num_classes=C,
                   weight_scale=float(args.get("weight_scale", 1e-3)), reg=float(args.get("reg", 0.0)))
    except BaseException:  # noqa: BLE001 - judged by the initialisation check, not here
        net = cls.__new__(cls)
        net.params = {}
        return net


def _init_call(box, cls, args):
    net = _net(box, cls, args)
    params = getattr(net, "params", None)
    if not isinstance(params, dict):
        raise box.StudentError("TwoLayerNet.__init__ left self.params without a dict of parameters")
    return {"params": {str(k): _array(box, v, f"params[{k!r}]") for k, v in params.items()
                       if isinstance(k, str)}}


def _net_loss_call(box, cls, args, fc_net):
    net = _net(box, cls, args)
    net.params = {k: np.array(v, dtype=float) for k, v in args["params"].items()}
    net.reg = float(args["reg"])
    y = args.get("y")
    with _StandInLayers(_namespaces(box, fc_net)):
        answer = net.loss(args["X"]) if y is None else net.loss(args["X"], y)
    if y is None:
        return {"scores": _array(box, answer, "the scores")}
    loss, grads = _pair(box, answer, "TwoLayerNet.loss")
    if not isinstance(grads, dict):
        raise box.StudentError(f"TwoLayerNet.loss returned grads as a {type(grads).__name__}, not a dict")
    return {"loss": _array(box, loss, "the loss"),
            "grads": {str(k): _array(box, v, f"grads[{k!r}]") for k, v in grads.items() if isinstance(k, str)}}


LAYER_CALLS = {
    "affine_forward": _affine_forward_call,
    "affine_backward": _affine_backward_call,
    "relu_forward": _relu_forward_call,
    "relu_backward": _relu_backward_call,
    "svm_loss": _loss_call,
    "softmax_loss": _loss_call,
}
"""How each layer function of layers.py is called, by its Python name."""


def op_call(req, box):
    """Call one graded function on each of the request's inputs (arrays the request owns):
    a layer function of layers.py by name, or TwoLayerNet's `loss` (`req["cls"]` set), whose
    calls either build a net (`mode` "init") or evaluate its loss."""
    net = req.get("cls") is not None
    try:
        if net:
            fc_net = box.module(req["file"])
            cls = box.attribute(req["file"], None, cls=req["cls"])
        else:
            func = box.attribute(req["file"], req["fn"])
            layer_call = LAYER_CALLS[req["fn"]]
    except box.StudentError as exc:
        return {"results": [{"ok": False, "error": str(exc)}] * len(req["calls"])}
    results = []
    for args in req["calls"]:
        try:
            if not net:
                answer = layer_call(box, func, args)
            elif args.get("mode") == "init":
                answer = _init_call(box, cls, args)
            else:
                answer = _net_loss_call(box, cls, args, fc_net)
            results.append({"ok": True, **answer})
        except BaseException as exc:  # noqa: BLE001 - whatever student code raises is its answer
            results.append(box.error(exc))
    return {"results": results}


OPS = {"call": op_call}
