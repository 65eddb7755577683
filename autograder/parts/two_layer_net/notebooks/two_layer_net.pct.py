# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] grade_id="tln-intro"
# # Fully-connected neural nets: a two-layer network
#
# *Complete and hand in this completed worksheet (including its outputs and any
# supporting code outside of the worksheet) with your assignment submission.*
#
# In this exercise we build a neural network out of modular layers. Each layer has a
# `forward` function, which receives inputs and weights and returns an output and a
# `cache` of what the backward pass needs, and a `backward` function, which receives the
# upstream derivative and the cache and returns the gradients of the inputs and weights:
#
# ```python
# def layer_forward(x, w):
#     z = ...  # some intermediate value
#     out = ...  # the output
#     cache = (x, w, z, out)  # values we need for the gradient
#     return out, cache
#
# def layer_backward(dout, cache):
#     x, w, z, out = cache
#     dx = ...  # derivative of the loss with respect to x
#     dw = ...  # derivative of the loss with respect to w
#     return dx, dw
# ```
#
# You will:
#
# - implement the affine and ReLU layers and the SVM and Softmax loss layers in
#   `cs231n/layers.py`, and check every gradient numerically;
# - assemble them into `TwoLayerNet` in `cs231n/classifiers/fc_net.py`;
# - train it with the provided `Solver`, tune its hyperparameters and look at what it learned.

# %% grade_id="tln-setup"
# Run some setup code for this notebook.
import matplotlib
import numpy as np

from cs231n.classifiers.fc_net import TwoLayerNet
from cs231n.data_utils import get_linear_classifier_data
from cs231n.gradient_check import eval_numerical_gradient, rel_error
from cs231n.layers import affine_backward, affine_forward, relu_backward, relu_forward, softmax_loss, svm_loss
from cs231n.solver import Solver

try:
    ipython = get_ipython()  # noqa: F821 (IPython defines it)
except NameError:
    ipython = None
if ipython is not None:
    ipython.run_line_magic("matplotlib", "inline")
    ipython.run_line_magic("load_ext", "autoreload")
    ipython.run_line_magic("autoreload", "2")
else:
    matplotlib.use("Agg")
import matplotlib.pyplot as plt

plt.rcParams["figure.figsize"] = (10.0, 8.0)
plt.rcParams["image.interpolation"] = "nearest"
plt.rcParams["image.cmap"] = "gray"

np.random.seed(231)  # fixed seeds: the same numbers every time you run the notebook


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """The numerical gradient of sum(f(x) * df) with respect to x, for a function f
    that returns an array (a layer's forward pass), by centered differences."""
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        plus = f(x).copy()
        x[ix] = old - h
        minus = f(x).copy()
        x[ix] = old
        grad[ix] = np.sum((plus - minus) * df) / (2 * h)
        it.iternext()
    return grad


# %% [markdown] grade_id="tln-data-md"
# ## Getting the data
#
# As in the linear classifier notebooks, `get_linear_classifier_data` loads CIFAR-10 when
# the environment variable `CS231N_CIFAR10_DIR` names the extracted `cifar-10-batches-py`
# folder, and scikit-learn's small bundled *digits* data set otherwise (a note says so;
# nothing is ever downloaded). The images come flattened, with the mean training image
# subtracted; the network has its own biases, so we drop the column of ones that the linear
# classifiers' bias trick appends.

# %% grade_id="tln-load-data"
data = get_linear_classifier_data()
image_shape = data["image_shape"]
classes = data["classes"]
data = {
    "X_train": data["X_train"][:, :-1], "y_train": data["y_train"],
    "X_val": data["X_val"][:, :-1], "y_val": data["y_val"],
    "X_test": data["X_test"][:, :-1], "y_test": data["y_test"],
    "source": data["source"], "mean_image": data["mean_image"],
}
for name in ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test"):
    print(name, data[name].shape)
input_dim = data["X_train"].shape[1]

# Settings that suit the data: CIFAR-10 (D = 3072, pixel values up to 255) needs smaller
# weights and more epochs than the digits (D = 64, values 0..16).
if data["source"] == "cifar10":
    weight_scale, num_epochs, learning_rates, regs = 1e-3, 5, [1e-3, 5e-4], [0.0, 0.1]
    hidden_dim, batch_size = 100, 200
else:
    weight_scale, num_epochs, learning_rates, regs = 1e-2, 10, [1e-1, 3e-1], [0.0, 1e-3]
    hidden_dim, batch_size = 50, 100

# %% [markdown] grade_id="tln-affine-forward-md"
# ## Affine layer: forward
#
# Open `cs231n/layers.py` and implement `affine_forward`. Each input `x[i]` of shape
# `(d_1, ..., d_k)` is first reshaped into a row of length `D = d_1 * ... * d_k`. Do not
# change `x` itself (`x.reshape(...)` gives a new view): the cache keeps it.

# %% grade_id="tln-affine-forward-check"
num_inputs, input_shape, output_dim = 2, (4, 5, 6), 3
input_size = num_inputs * np.prod(input_shape)
weight_size = output_dim * np.prod(input_shape)
x = np.linspace(-0.1, 0.5, num=input_size).reshape(num_inputs, *input_shape)
w = np.linspace(-0.2, 0.3, num=weight_size).reshape(np.prod(input_shape), output_dim)
b = np.linspace(-0.3, 0.1, num=output_dim)
out, _ = affine_forward(x, w, b)
# The same numbers, computed another way: an explicit sum over the flattened inputs.
correct_out = np.array([[sum(x[i].ravel()[d] * w[d, m] for d in range(w.shape[0])) + b[m]
                         for m in range(output_dim)] for i in range(num_inputs)])
print("Testing affine_forward function:")
print("difference: ", rel_error(out, correct_out))

# %% [markdown] grade_id="tln-affine-backward-md"
# ## Affine layer: backward
#
# Implement `affine_backward` and check it with a numeric gradient: `dx` has the shape of
# `x`, `dw` the shape of `w`, `db` the shape of `b`.

# %% grade_id="tln-affine-backward-check"
np.random.seed(231)
x = np.random.randn(10, 2, 3)
w = np.random.randn(6, 5)
b = np.random.randn(5)
dout = np.random.randn(10, 5)
dx_num = eval_numerical_gradient_array(lambda x: affine_forward(x, w, b)[0], x, dout)
dw_num = eval_numerical_gradient_array(lambda w: affine_forward(x, w, b)[0], w, dout)
db_num = eval_numerical_gradient_array(lambda b: affine_forward(x, w, b)[0], b, dout)
_, cache = affine_forward(x, w, b)
dx, dw, db = affine_backward(dout, cache)
print("Testing affine_backward function (errors around 1e-10 or less):")
print("dx error: ", rel_error(dx_num, dx))
print("dw error: ", rel_error(dw_num, dw))
print("db error: ", rel_error(db_num, db))

# %% [markdown] grade_id="tln-relu-forward-md"
# ## ReLU activation: forward
#
# Implement `relu_forward`, `max(0, x)` elementwise, without changing `x`.

# %% grade_id="tln-relu-forward-check"
x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
out, _ = relu_forward(x)
print("Testing relu_forward function:")
print("difference: ", rel_error(out, np.where(x > 0, x, 0.0)))

# %% [markdown] grade_id="tln-relu-backward-md"
# ## ReLU activation: backward
#
# Implement `relu_backward`: the gradient flows where the *input* `x` was positive.

# %% grade_id="tln-relu-backward-check"
np.random.seed(231)
x = np.random.randn(10, 10)
dout = np.random.randn(*x.shape)
dx_num = eval_numerical_gradient_array(lambda x: relu_forward(x)[0], x, dout)
_, cache = relu_forward(x)
dx = relu_backward(dout, cache)
print("Testing relu_backward function (error around 1e-12 or less):")
print("dx error: ", rel_error(dx_num, dx))

# %% [markdown] grade_id="tln-q1"
# **Inline Question 1**
#
# We've only asked you to implement ReLU, but there are a number of different activation
# functions that one could use in neural networks, each with its pros and cons. A common
# issue seen with activation functions is getting zero (or close to zero) gradient flow
# during backpropagation. Which of the following activation functions have this problem?
# If you consider these functions in the one-dimensional case, what types of input would
# lead to this behaviour?
# 1. Sigmoid
# 2. ReLU
# 3. Leaky ReLU

# %% [markdown] grade_id="tln-q1-answer" solution=true grade=true points=1
# **Your answer:** Sigmoid and ReLU. The sigmoid saturates: for inputs of large magnitude,
# very positive or very negative, its derivative $\sigma(x)(1 - \sigma(x))$ is close to 0,
# so almost no gradient flows back. The ReLU has a derivative of exactly 0 for every
# negative input, so a unit whose inputs are all negative passes no gradient at all (a
# "dead" ReLU). The leaky ReLU keeps a small slope for negative inputs, so some gradient
# always flows.

# %% [markdown] grade_id="tln-losses-md"
# ## Loss layers: SVM and Softmax
#
# Implement `svm_loss` and `softmax_loss` in `cs231n/layers.py`, the vectorized losses of the
# linear classifier notebooks, now taking the scores `x` directly and without
# regularization. Both average over the `N` inputs; scores can be large, so subtract each
# row's maximum before `np.exp` in the softmax.

# %% grade_id="tln-loss-layers-check"
np.random.seed(231)
num_classes, num_inputs = 10, 50
x = 0.001 * np.random.randn(num_inputs, num_classes)
y = np.random.randint(num_classes, size=num_inputs)

dx_num = eval_numerical_gradient(lambda x: svm_loss(x, y)[0], x, verbose=False)
loss, dx = svm_loss(x, y)
print("Testing svm_loss (loss about 9, dx error around 1e-9):")
print("loss: ", loss)
print("dx error: ", rel_error(dx_num, dx))

dx_num = eval_numerical_gradient(lambda x: softmax_loss(x, y)[0], x, verbose=False)
loss, dx = softmax_loss(x, y)
print("\nTesting softmax_loss (loss about 2.3, dx error around 1e-8):")
print("loss: ", loss)
print("dx error: ", rel_error(dx_num, dx))

# %% [markdown] grade_id="tln-net-md"
# ## Two-layer network
#
# Open `cs231n/classifiers/fc_net.py` and complete `TwoLayerNet`: initialise its
# parameters (weights from a Gaussian of standard deviation `weight_scale`, zero biases),
# then `loss`, the forward pass affine - relu - affine (returning the scores when `y` is
# `None`) and, with labels, the softmax loss plus `{% if two_layer_net_reg_scale != 1 %}{{ two_layer_net_reg_scale }} * {% endif %}reg * (sum(W1**2) + sum(W2**2))`
# and the gradient of every parameter. Use the layers you wrote (and the sandwich layers of
# `cs231n/layer_utils.py`).

# %% grade_id="tln-net-check"
np.random.seed(231)
N, D, H, C = 3, 5, 50, 7
X = np.random.randn(N, D)
y = np.random.randint(C, size=N)

std = 1e-3
model = TwoLayerNet(input_dim=D, hidden_dim=H, num_classes=C, weight_scale=std)
print("Testing initialization ... ")
W1_std = abs(model.params["W1"].std() - std)
W2_std = abs(model.params["W2"].std() - std)
assert W1_std < std / 10, "First layer weights do not seem right"
assert np.all(model.params["b1"] == 0), "First layer biases do not seem right"
assert W2_std < std / 10, "Second layer weights do not seem right"
assert np.all(model.params["b2"] == 0), "Second layer biases do not seem right"

print("Testing test-time forward pass ... ")
model.params["W1"] = np.linspace(-0.7, 0.3, num=D * H).reshape(D, H)
model.params["b1"] = np.linspace(-0.1, 0.9, num=H)
model.params["W2"] = np.linspace(-0.3, 0.4, num=H * C).reshape(H, C)
model.params["b2"] = np.linspace(-0.9, 0.1, num=C)
X = np.linspace(-5.5, 4.5, num=N * D).reshape(D, N).T
scores = model.loss(X)
# The same scores computed directly: relu(X W1 + b1) W2 + b2.
correct_scores = np.maximum(0, X.dot(model.params["W1"]) + model.params["b1"]).dot(model.params["W2"]) + model.params["b2"]
print("scores difference (about 1e-15 or less): ", np.abs(scores - correct_scores).sum())

for reg in [0.0, 0.7]:
    print("Running numeric gradient check with reg = ", reg)
    model.reg = reg
    loss, grads = model.loss(X, y)
    for name in sorted(grads):
        grad_num = eval_numerical_gradient(lambda _: model.loss(X, y)[0], model.params[name], verbose=False)
        print("%s relative error (about 1e-7 or less): %.2e" % (name, rel_error(grad_num, np.reshape(grads[name], grad_num.shape))))

# %% [markdown] grade_id="tln-solver-md"
# ## Solver
#
# The provided `Solver` (`cs231n/solver.py`) trains a model with minibatch stochastic
# gradient descent: read its docstring. Use it to train a `TwoLayerNet` that reaches at
# least 50% validation accuracy on CIFAR-10 (above 90% on the digits).

# %% grade_id="tln-solver" solution=true
model = TwoLayerNet(input_dim=input_dim, hidden_dim=hidden_dim, weight_scale=weight_scale)
solver = None
##############################################################################
# TODO: Use a Solver instance to train a TwoLayerNet that achieves at least  #
# 50% accuracy on the validation set (above 90% on the digits).              #
##############################################################################
### BEGIN SOLUTION
np.random.seed(0)
solver = Solver(model, data, update_rule="sgd", optim_config={"learning_rate": learning_rates[-1]},
                lr_decay=0.95, num_epochs=num_epochs, batch_size=batch_size, print_every=100, seed=0)
solver.train()
### END SOLUTION

# %% grade_id="tln-solver-plot"
plt.subplot(2, 1, 1)
plt.title("Training loss")
plt.plot(solver.loss_history, "o")
plt.xlabel("Iteration")
plt.subplot(2, 1, 2)
plt.title("Accuracy")
plt.plot(solver.train_acc_history, "-o", label="train")
plt.plot(solver.val_acc_history, "-o", label="val")
plt.plot([0.5] * len(solver.val_acc_history), "k--")
plt.xlabel("Epoch")
plt.legend(loc="lower right")
plt.gcf().set_size_inches(15, 12)
plt.show()

# %% [markdown] grade_id="tln-tune-md"
# ## Tune your hyperparameters
#
# Tune the learning rate and the regularization strength (the lists `learning_rates` and
# `regs` of the data cell above suit the data; try others) on the validation set. Keep the
# best model in `best_model`.

# %% grade_id="tln-tune" solution=true
best_model = None
best_val = -1
#################################################################################
# TODO: Tune hyperparameters using the validation set. Store your best trained  #
# model in best_model.                                                          #
#################################################################################
### BEGIN SOLUTION
for learning_rate in learning_rates:
    for reg in regs:
        np.random.seed(0)
        candidate = TwoLayerNet(input_dim=input_dim, hidden_dim=hidden_dim, weight_scale=weight_scale, reg=reg)
        trial = Solver(candidate, data, optim_config={"learning_rate": learning_rate}, lr_decay=0.95,
                       num_epochs=num_epochs, batch_size=batch_size, verbose=False, seed=0)
        trial.train()
        print(f"lr {learning_rate:g} reg {reg:g}: val accuracy {trial.best_val_acc:.3f}")
        if trial.best_val_acc > best_val:
            best_val, best_model = trial.best_val_acc, candidate
### END SOLUTION

# %% grade_id="tln-test"
y_val_pred = np.argmax(best_model.loss(data["X_val"]), axis=1)
y_test_pred = np.argmax(best_model.loss(data["X_test"]), axis=1)
print("Validation set accuracy: ", (y_val_pred == data["y_val"]).mean())
print("Test set accuracy: ", (y_test_pred == data["y_test"]).mean())

# %% [markdown] grade_id="tln-visualise-md"
# ## Visualise the weights
#
# Each column of `W1` is a template of the first layer, an image of the input's shape.

# %% grade_id="tln-visualise"
W1 = best_model.params["W1"]
count = min(W1.shape[1], 49)
rows = int(np.ceil(np.sqrt(count)))
for i in range(count):
    image = W1[:, i].reshape(image_shape)
    image = (image - image.min()) / max(image.max() - image.min(), 1e-12)
    plt.subplot(rows, rows, i + 1)
    plt.imshow(image if len(image_shape) == 3 else image, cmap=None if len(image_shape) == 3 else "gray")
    plt.axis("off")
plt.gcf().set_size_inches(8, 8)
plt.show()

# %% [markdown] grade_id="tln-q2"
# **Inline Question 2**
#
# Now that you have trained a neural network classifier, you may find that your testing
# accuracy is much lower than the training accuracy. In what ways can we decrease this
# gap? Select all that apply, and explain.
# 1. Train on a larger dataset.
# 2. Add more hidden units.
# 3. Increase the regularization strength.
# 4. None of the above.

# %% [markdown] grade_id="tln-q2-answer" solution=true grade=true points=1
# **Your answer:** 1 and 3. A gap between training and test accuracy is overfitting. More
# training data makes the training set a better sample of the test distribution, so the
# network cannot fit the training set's accidents as easily; stronger regularization
# restricts the weights, which lowers the network's capacity to memorise. More hidden units
# raise the capacity, which tends to widen the gap (though with good regularization it need
# not).
