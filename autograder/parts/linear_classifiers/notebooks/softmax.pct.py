# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] grade_id="softmax-intro"
# # Softmax exercise
#
# *Complete and hand in this completed worksheet (including its outputs and any
# supporting code outside of the worksheet) with your assignment submission.*
#
# This exercise is analogous to the SVM exercise. You will:
#
# - implement a fully-vectorized **loss function** for the Softmax classifier
# - implement the fully-vectorized expression for its **analytic gradient**
# - **check your implementation** with numerical gradient
# - use a validation set to **tune the learning rate and regularization** strength
# - **optimize** the loss function with **SGD**
# - **visualize** the final learned weights
# - **compare** your classifier with scikit-learn's logistic regression trained by SGD

# %% grade_id="softmax-setup"
# Run some setup code for this notebook.
import time

import matplotlib
import numpy as np

from cs231n.data_utils import get_linear_classifier_data
from cs231n.gradient_check import grad_check_sparse

# In Jupyter, draw the figures inside the notebook and reload the cs231n modules
# automatically when you edit them. Run as a plain script, figures go to a
# non-interactive backend instead.
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

plt.rcParams["figure.figsize"] = (10.0, 8.0)  # set default size of plots
plt.rcParams["image.interpolation"] = "nearest"
plt.rcParams["image.cmap"] = "gray"

np.random.seed(231)  # fixed seeds: the same numbers every time you run the notebook

# %% [markdown] grade_id="softmax-data-md"
# ## Getting the data
#
# `cs231n.data_utils.get_linear_classifier_data` loads the data, splits it into
# training, validation, test and development sets and preprocesses it for you:
# every image is flattened into a row, the mean training image is subtracted, and
# a column of ones is appended (the *bias trick*: the bias becomes the last row
# of `W`, so CIFAR-10 has `D = 32 * 32 * 3 + 1 = 3073`). The development set is a
# small random subset of the training set, to check your code quickly.
#
# **The one download step (CIFAR-10).** Download
# [cifar-10-python.tar.gz](https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz)
# (about 170 MB) once, extract it with `tar -xzf cifar-10-python.tar.gz`, and set
# the environment variable `CS231N_CIFAR10_DIR` to the extracted
# `cifar-10-batches-py` folder before you start Jupyter, for example
#
# ```bash
# export CS231N_CIFAR10_DIR=$HOME/data/cifar-10-batches-py
# ```
#
# **Without CIFAR-10** the notebook uses scikit-learn's small bundled *digits*
# data set instead (1797 images of 8 x 8 pixels, the 10 digits) and prints a note
# saying so. Nothing is ever downloaded for you. Everything in this notebook works
# on both; on the digits it runs in seconds, accuracies are much higher (digits
# are an easy problem for a linear classifier) and images are 8 x 8 grey levels.

# %% grade_id="softmax-load-data"
# Load the data: CIFAR-10 if CS231N_CIFAR10_DIR names it, else the digits.
data = get_linear_classifier_data()

X_train, y_train = data["X_train"], data["y_train"]
X_val, y_val = data["X_val"], data["y_val"]
X_test, y_test = data["X_test"], data["y_test"]
X_dev, y_dev = data["X_dev"], data["y_dev"]
classes = data["classes"]
num_classes = len(classes)
image_shape = data["image_shape"]
mean_image = data["mean_image"]

print("Data source:", data["source"])
print("Training data shape:", X_train.shape, "labels:", y_train.shape)
print("Validation data shape:", X_val.shape, "labels:", y_val.shape)
print("Test data shape:", X_test.shape, "labels:", y_test.shape)
print("Dev data shape:", X_dev.shape, "labels:", y_dev.shape)
if data["source"] == "digits":
    print("Working on the digits: see 'Getting the data' above to switch to CIFAR-10.")

# %% grade_id="softmax-settings"
# Step sizes, regularization strengths and iteration counts that suit the data:
# CIFAR-10 (D = 3073, pixel values up to 255) needs far smaller steps and far
# stronger regularization than the digits (D = 65, pixel values 0..16).
if data["source"] == "cifar10":
    grad_check_reg = 5e1
    learning_rate = 1e-7
    reg = 2.5e4
    num_iters = 1500
    learning_rates = [1e-7, 5e-7]
    regularization_strengths = [2.5e4, 5e4]
else:
    grad_check_reg = 1e3
    learning_rate = 3e-3
    reg = 1e-2
    num_iters = 300
    learning_rates = [1e-3, 1e-2]
    regularization_strengths = [1e-2, 1e-1, 1e0]

# %% [markdown] grade_id="softmax-classifier-md"
# ## Softmax Classifier
#
# Your code for this section will all be written inside
# `cs231n/classifiers/softmax.py`.
#
# First implement the naive softmax loss function with nested loops, in the
# function `softmax_loss_naive`. Shift the scores of each sample by their maximum
# before you exponentiate them, or large scores overflow.
#
# **The loss of this course.** With the scores `s = x_i W` of sample `i` and the
# probabilities `p_j = exp(s_j) / sum_k exp(s_k)`, the loss of sample `i` is
# `L_i = -log(p_{y_i})`, and the loss over `N` samples adds {{ reg_name }} regularization:
#
# `loss = (1/N) * sum_i L_i + {{ reg_text }}`
#
# whose gradient with respect to `W` is `(1/N) * X.T @ (P - Y)` (`P` the probabilities,
# `Y` the one-hot labels) plus `{{ reg_gradient_text }}`.

# %% grade_id="softmax-sanity-check"
from cs231n.classifiers.softmax import softmax_loss_naive

# Generate a random softmax weight matrix and use it to compute the loss.
np.random.seed(231)
W = np.random.randn(X_dev.shape[1], num_classes) * 0.0001
loss, grad = softmax_loss_naive(W, X_dev, y_dev, 0.0)

# As a rough sanity check, our loss should be something close to -log(0.1).
print("loss: %f" % loss)
print("sanity check: %f" % (-np.log(0.1)))

# %% [markdown] grade_id="softmax-q1"
# **Inline Question 1**
#
# Why do we expect our loss to be close to -log(0.1)? Explain briefly.

# %% [markdown] grade_id="softmax-q1-answer" solution=true grade=true points=1
# **Your answer:** With $W$ = 1e-4 times random normal numbers every score is
# almost 0, so the softmax gives every class almost the same probability, $1/C$.
# There are $C = 10$ classes (for CIFAR-10 and for the digits), so the loss of each
# sample is $-\log p_{y_i} \approx -\log(1/10) = -\log(0.1) \approx 2.303$, and so is
# their average (the regularization term is 0 here).

# %% grade_id="softmax-gradcheck"
# Complete the implementation of softmax_loss_naive and implement a (naive)
# version of the gradient that uses nested loops.
{% if l1 %}

# Keep the weights away from 0, where the L1 term sum(|W|) has its kinks.
W = W + 0.001 * np.sign(W)
{% endif %}
loss, grad = softmax_loss_naive(W, X_dev, y_dev, 0.0)

# As we did for the SVM, use numeric gradient checking as a debugging tool.
# The numeric gradient should be close to the analytic gradient.
f = lambda w: softmax_loss_naive(w, X_dev, y_dev, 0.0)[0]
grad_numerical = grad_check_sparse(f, W, grad, 10, seed=0)

# similar to SVM case, do another gradient check with regularization
print("with regularization reg = %g:" % grad_check_reg)
loss, grad = softmax_loss_naive(W, X_dev, y_dev, grad_check_reg)
f = lambda w: softmax_loss_naive(w, X_dev, y_dev, grad_check_reg)[0]
grad_numerical = grad_check_sparse(f, W, grad, 10, seed=1)

# %% [markdown] grade_id="softmax-vectorized-md"
# Now that we have a naive implementation of the softmax loss function and its
# gradient, implement a vectorized version in `softmax_loss_vectorized`. The two
# versions should compute the same results, but the vectorized version should be
# much faster.

# %% grade_id="softmax-vectorized"
tic = time.time()
loss_naive, grad_naive = softmax_loss_naive(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("naive loss: %e computed in %fs" % (loss_naive, toc - tic))

from cs231n.classifiers.softmax import softmax_loss_vectorized

tic = time.time()
loss_vectorized, grad_vectorized = softmax_loss_vectorized(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("vectorized loss: %e computed in %fs" % (loss_vectorized, toc - tic))

# As we did for the SVM, we use the Frobenius norm to compare the two versions
# of the gradient.
grad_difference = np.linalg.norm(grad_naive - grad_vectorized, ord="fro")
print("Loss difference: %f" % np.abs(loss_naive - loss_vectorized))
print("Gradient difference: %f" % grad_difference)

# %% [markdown] grade_id="softmax-sgd-md"
# ### Stochastic Gradient Descent
#
# `Softmax` is a `LinearClassifier`, so it uses the `train` and `predict` methods
# you wrote for the SVM, with the softmax loss.

# %% grade_id="softmax-train"
from cs231n.classifiers.linear_classifier import Softmax

np.random.seed(0)
softmax = Softmax()
tic = time.time()
loss_hist = softmax.train(
    X_train, y_train, learning_rate=learning_rate, reg=reg, num_iters=num_iters, verbose=True
)
toc = time.time()
print("That took %fs" % (toc - tic))
print("training accuracy: %f" % np.mean(softmax.predict(X_train) == y_train))
print("validation accuracy: %f" % np.mean(softmax.predict(X_val) == y_val))

plt.plot(loss_hist)
plt.xlabel("Iteration number")
plt.ylabel("Loss value")
plt.show()

# %% [markdown] grade_id="softmax-search-md"
# ### Tuning the hyperparameters
#
# Use the validation set to tune the learning rate and the regularization strength,
# over the values `learning_rates` and `regularization_strengths` of the settings
# cell. Keep the best classifier in `best_softmax`. On CIFAR-10 you should get a
# validation accuracy of over 0.35; on the digits above 0.9.

# %% grade_id="softmax-search" solution=true
results = {}
best_val = -1
best_softmax = None

################################################################################
# TODO:                                                                        #
# Use the validation set to set the learning rate and regularization strength. #
# This should be identical to the validation that you did for the SVM; save    #
# the best trained softmax classifier in best_softmax, its validation accuracy #
# in best_val, and (training_accuracy, validation_accuracy) for every          #
# (learning_rate, regularization_strength) in results. Call np.random.seed(0)  #
# before each training run so that your results can be reproduced.            #
################################################################################
### BEGIN SOLUTION
for lr in learning_rates:
    for rs in regularization_strengths:
        np.random.seed(0)
        candidate = Softmax()
        candidate.train(X_train, y_train, learning_rate=lr, reg=rs, num_iters=num_iters)
        train_accuracy = np.mean(candidate.predict(X_train) == y_train)
        val_accuracy = np.mean(candidate.predict(X_val) == y_val)
        results[(lr, rs)] = (train_accuracy, val_accuracy)
        if val_accuracy > best_val:
            best_val = val_accuracy
            best_softmax = candidate
### END SOLUTION

# Print out results.
for lr, rs in sorted(results):
    train_accuracy, val_accuracy = results[(lr, rs)]
    print(
        "lr %e reg %e train accuracy: %f val accuracy: %f"
        % (lr, rs, train_accuracy, val_accuracy)
    )

print("best validation accuracy achieved during cross-validation: %f" % best_val)

# %% grade_id="softmax-test"
# evaluate on test set
# Evaluate the best softmax on test set
y_test_pred = best_softmax.predict(X_test)
test_accuracy = np.mean(y_test == y_test_pred)
print("softmax on raw pixels final test set accuracy: %f" % (test_accuracy,))

# %% [markdown] grade_id="softmax-q2"
# **Inline Question 2** - *True or False*
#
# Suppose the overall training loss is defined as the sum of the per-datapoint loss
# over all training examples. It is possible to add a new datapoint to a training
# set that would leave the SVM loss unchanged, but this is not the case with the
# Softmax classifier loss.

# %% [markdown] grade_id="softmax-q2-answer" solution=true grade=true points=2
# **Your answer:** True.
#
# **Your explanation:** A new point adds nothing to the SVM loss when its correct
# score beats every other score by at least the margin $\Delta$: all its {% if squared_hinge %}squared {% endif %}hinge terms
# $\max(0, s_j - s_{y_i} + \Delta){% if squared_hinge %}^2{% endif %}$ are 0, so the summed SVM loss is unchanged. Its
# Softmax loss $-\log p_{y_i}$ is never 0, because with finite scores every class
# gets a positive probability, so $p_{y_i} < 1$: every new point increases the
# summed Softmax loss, if only a little.

# %% [markdown] grade_id="softmax-weights-md"
# ### Visualizing the weights

# %% grade_id="softmax-weights"
# Visualize the learned weights for each class: each column of W (without the
# bias, the last row) is reshaped into an image.
w = best_softmax.W[:-1, :]  # strip out the bias
w = w.reshape(*image_shape, num_classes)
w_min, w_max = np.min(w), np.max(w)
for i in range(num_classes):
    plt.subplot(2, 5, i + 1)
    # Rescale the weights to be between 0 and 255
    wimg = 255.0 * (w[..., i].squeeze() - w_min) / (w_max - w_min)
    if len(image_shape) == 3:
        plt.imshow(wimg.astype("uint8"))
    else:
        plt.imshow(wimg, cmap="gray")
    plt.axis("off")
    plt.title(classes[i])
plt.show()

# %% [markdown] grade_id="softmax-sklearn-md"
# ## Comparing with scikit-learn
#
# scikit-learn's `SGDClassifier(loss="log_loss")` trains a logistic regression by
# stochastic gradient descent. Unlike your `Softmax` it fits one binary classifier
# per class (one-versus-rest) rather than a single softmax over the classes, fits
# the bias itself (so we drop our column of ones) and has its own learning-rate
# schedule. On the same data the two accuracies should be in the same range.
#
# It gets the same regularization as your `Softmax` trained with `reg` (the settings
# cell): scikit-learn minimises the mean loss plus `alpha` times its penalty,
{% if l2 %}
# `penalty="l2"` being `0.5 * ||w||**2`, so `alpha = {{ sklearn_alpha_factor }} * reg` matches
{% else %}
# `penalty="l1"` being `||w||_1`, so `alpha = {{ sklearn_alpha_factor }} * reg` matches
{% endif %}
# your `{{ reg_text }}`.

# %% grade_id="softmax-sklearn"
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier

sk_classifier = SGDClassifier(
    loss="log_loss",
    penalty="{{ sklearn_penalty }}",
    alpha={{ sklearn_alpha_factor }} * reg,  # scikit-learn's alpha for your {{ reg_text }}
    max_iter=50,
    tol=1e-3,
    random_state=0,
)
tic = time.time()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    sk_classifier.fit(X_train[:, :-1], y_train)
toc = time.time()
print("scikit-learn SGDClassifier trained in %fs" % (toc - tic))

ours_val = np.mean(best_softmax.predict(X_val) == y_val)
ours_test = np.mean(best_softmax.predict(X_test) == y_test)
sk_val = np.mean(sk_classifier.predict(X_val[:, :-1]) == y_val)
sk_test = np.mean(sk_classifier.predict(X_test[:, :-1]) == y_test)
print("%-32s %10s %10s" % ("classifier", "val acc", "test acc"))
print("%-32s %10.4f %10.4f" % ("your Softmax", ours_val, ours_test))
print("%-32s %10.4f %10.4f" % ("scikit-learn SGDClassifier", sk_val, sk_test))
