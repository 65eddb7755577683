# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] grade_id="svm-intro"
# # Multiclass Support Vector Machine exercise
#
# *Complete and hand in this completed worksheet (including its outputs and any
# supporting code outside of the worksheet) with your assignment submission.*
#
# In this exercise you will:
#
# - implement a fully-vectorized **loss function** for the SVM
# - implement the fully-vectorized expression for its **analytic gradient**
# - **check your implementation** using numerical gradient
# - use a validation set to **tune the learning rate and regularization** strength
# - **optimize** the loss function with **SGD**
# - **visualize** the final learned weights
# - **compare** your classifier with scikit-learn's linear SVM trained by SGD

# %% grade_id="svm-setup"
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

# %% [markdown] grade_id="svm-data-md"
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

# %% grade_id="svm-load-data"
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

# %% grade_id="svm-settings"
# Step sizes, regularization strengths and iteration counts that suit the data:
# CIFAR-10 (D = 3073, pixel values up to 255) needs far smaller steps and far
# stronger regularization than the digits (D = 65, pixel values 0..16).
if data["source"] == "cifar10":
    grad_check_reg = 5e1
    learning_rate = 1e-7
    reg = 2.5e4
    num_iters = 1500
    learning_rates = [1e-7, 5e-5]
    regularization_strengths = [2.5e4, 5e4]
else:
    grad_check_reg = 1e3
    learning_rate = 1e-3
    reg = 1e-2
    num_iters = 300
    learning_rates = [1e-4, 1e-3, 1e-2]
    regularization_strengths = [1e-2, 1e0]


# %% grade_id="svm-show-examples"
# Visualize a few training images of every class (the mean image is added back).
def show_image(row):
    image = (row[:-1] + mean_image).reshape(image_shape)
    if len(image_shape) == 3:
        plt.imshow(np.clip(image, 0, 255).astype("uint8"))
    else:
        plt.imshow(image, cmap="gray_r")
    plt.axis("off")


samples_per_class = 7
for y, cls in enumerate(classes):
    idxs = np.flatnonzero(y_train == y)[:samples_per_class]
    for i, idx in enumerate(idxs):
        plt.subplot(samples_per_class, num_classes, i * num_classes + y + 1)
        show_image(X_train[idx])
        if i == 0:
            plt.title(cls)
plt.show()

# %% [markdown] grade_id="svm-classifier-md"
# ## SVM Classifier
#
# Your code for this section will all be written inside
# `cs231n/classifiers/linear_svm.py`.
#
# As you can see, we have prefilled the function `svm_loss_naive` which uses for
# loops to evaluate the multiclass SVM loss function. Complete its gradient.
#
# **The loss of this course.** The multiclass SVM loss with the {{ svm_name }}.
# With the scores `s = x_i W` of sample `i`, its loss is
# `L_i = sum over j != y_i of {{ svm_term_text }}`, and the loss over `N`
# samples adds {{ reg_name }} regularization:
#
# `loss = (1/N) * sum_i L_i + {{ reg_text }}`
#
# whose gradient with respect to `W` is the data term's gradient plus `{{ reg_gradient_text }}`.
#
# **Sanity check.** With small random weights every score is close to 0, so every
# margin `s_j - s_{y_i} + {{ delta_text }}` is close to {{ delta_text }}, each of the `C - 1` wrong classes
# adds about {{ svm_class_loss_at_zero }} to `L_i`, and the loss is close to `{{ svm_loss_at_zero_text }}`
# ({{ svm_loss_at_zero_10 }} for 10 classes).

# %% grade_id="svm-sanity-check"
# Evaluate the naive implementation of the loss we provided for you:
from cs231n.classifiers.linear_svm import svm_loss_naive

# generate a random SVM weight matrix of small numbers
np.random.seed(231)
W = np.random.randn(X_dev.shape[1], num_classes) * 0.0001

loss, grad = svm_loss_naive(W, X_dev, y_dev, 0.000005)
print("loss: %f" % (loss,))
print("expected about {{ svm_loss_at_zero_text }} = %g" % ((num_classes - 1) * {{ svm_class_loss_at_zero }}))

# %% [markdown] grade_id="svm-gradcheck-md"
# The `grad` returned from the function above is right now all zero. Derive and
# implement the gradient for the SVM cost function inside `svm_loss_naive`. You
# will find it helpful to interleave your new code inside the existing function.
#
# To check that you have correctly implemented the gradient, you can numerically
# estimate the gradient of the loss function and compare the numeric estimate to
# the gradient that you computed. We have provided code that does this for you,
# without regularization and then with a large regularization strength:
{% if l1 %}
#
# *The L1 term `sum(|W|)` has a kink wherever an entry of `W` is 0, as the plain hinge
# has one where a margin is 0: the check runs at weights kept at least 0.001 away from 0.*
{% endif %}

# %% grade_id="svm-gradcheck"
# Once you've implemented the gradient, recompute it with the code below
# and gradient check it with the function we provided for you.

{% if l1 %}
# Keep the weights away from 0, where the L1 term sum(|W|) has its kinks.
W = W + 0.001 * np.sign(W)

{% endif %}
# Compute the loss and its gradient at W.
loss, grad = svm_loss_naive(W, X_dev, y_dev, 0.0)

# Numerically compute the gradient along several randomly chosen dimensions,
# and compare them with your analytically computed gradient. The numbers
# should match almost exactly along all dimensions.
f = lambda w: svm_loss_naive(w, X_dev, y_dev, 0.0)[0]
grad_numerical = grad_check_sparse(f, W, grad, seed=0)

# do the gradient check once again with regularization turned on
print("with regularization reg = %g:" % grad_check_reg)
loss, grad = svm_loss_naive(W, X_dev, y_dev, grad_check_reg)
f = lambda w: svm_loss_naive(w, X_dev, y_dev, grad_check_reg)[0]
grad_numerical = grad_check_sparse(f, W, grad, seed=1)

# %% [markdown] grade_id="svm-q1"
# **Inline Question 1**
#
{% if squared_hinge %}
# With the plain hinge `max(0, m)` it is possible that once in a while a dimension in
# the gradcheck does not match exactly, because the hinge is not strictly speaking
# differentiable. Your course uses the squared hinge `max(0, m)**2`. Is it
# differentiable at `m = 0`? Would you expect such mismatches with it, and why? Take
# the one-dimensional example `f(x) = max(0, x)` at `x = 0`: what do the analytic and
# the centered-difference gradients give, and what do they give for
# `f(x) = max(0, x)**2`?
{% else %}
# It is possible that once in a while a dimension in the gradcheck will not match
# exactly. What could such a discrepancy be caused by? Is it a reason for concern?
# What is a simple example in one dimension where a gradient check could fail? How
# would changing the margin affect the frequency of this happening? *Hint: the SVM
# loss function is not strictly speaking differentiable.*
{% endif %}

# %% [markdown] grade_id="svm-q1-answer" solution=true grade=true points=2
{% if squared_hinge %}
# **Your answer:** The derivative of the squared hinge $\max(0, m)^2$ is
# $2 \max(0, m)$, which is 0 on both sides of $m = 0$: the squared hinge is
# differentiable everywhere (only its second derivative jumps at 0), so there is no
# kink for the centered difference to straddle and the numerical gradient agrees with
# the analytic one up to an error that shrinks with $h$. Mismatches should not happen;
# one would point to a bug. For $f(x) = \max(0, x)$ at $x = 0$ the analytic gradient
# is 0 (or 1, a subgradient) and the numerical one is $(h - 0) / 2h = 0.5$: they
# disagree whatever $h$. For $f(x) = \max(0, x)^2$ the analytic gradient is 0 and the
# numerical one is $(h^2 - 0) / 2h = h / 2$, which goes to 0 with $h$. The margin
# $\Delta$ no longer matters for this: it changes how large the loss is, not where it
# is smooth.
{% else %}
# **Your answer:** The hinge $\max(0, m)$ has a kink at $m = 0$, where the loss is
# not differentiable. When a margin $s_j - s_{y_i} + \Delta$ lies within $h$ of 0,
# the centered difference $(f(w + h) - f(w - h)) / 2h$ straddles the kink and
# averages the two one-sided slopes, while the analytic gradient picks one of them
# (a subgradient), so the two disagree. It is not a reason for concern: it only
# happens for inputs that sit (almost) exactly on a kink, and the analytic gradient
# is a valid subgradient there. A one-dimensional example is $f(x) = \max(0, x)$ at
# $x = 0$: the analytic gradient is 0 (or 1), the numerical one is
# $(h - 0) / 2h = 0.5$. With small random weights all scores are close to 0, so the
# margins start close to $\Delta$: a larger margin $\Delta$ keeps them further from
# the kink and makes failures rarer, while $\Delta$ close to 0 puts every margin
# near the kink and makes them frequent.
{% endif %}
{% if l1 %}
#
# The L1 regularization $\sum |w|$ has kinks of its own, at every $w = 0$; the
# gradient check above runs at weights kept away from 0 for that reason.
{% endif %}

# %% [markdown] grade_id="svm-vectorized-md"
# Next implement the function `svm_loss_vectorized`; for now only compute the loss;
# we will implement the gradient in a moment. It must return the same numbers as
# the naive version, and be much faster.

# %% grade_id="svm-vectorized-loss"
from cs231n.classifiers.linear_svm import svm_loss_vectorized

tic = time.time()
loss_naive, grad_naive = svm_loss_naive(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("Naive loss: %e computed in %fs" % (loss_naive, toc - tic))

tic = time.time()
loss_vectorized, _ = svm_loss_vectorized(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("Vectorized loss: %e computed in %fs" % (loss_vectorized, toc - tic))

# The losses should match but your vectorized implementation should be much faster.
print("difference: %f" % (loss_naive - loss_vectorized))

# %% grade_id="svm-vectorized-grad"
# Complete the implementation of svm_loss_vectorized, and compute the gradient
# of the loss function in a vectorized way.

# The naive implementation and the vectorized implementation should match, but
# the vectorized version should still be much faster.
tic = time.time()
_, grad_naive = svm_loss_naive(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("Naive loss and gradient: computed in %fs" % (toc - tic))

tic = time.time()
_, grad_vectorized = svm_loss_vectorized(W, X_dev, y_dev, 0.000005)
toc = time.time()
print("Vectorized loss and gradient: computed in %fs" % (toc - tic))

# The loss is a single number, so it is easy to compare the values computed
# by the two implementations. The gradient on the other hand is a matrix, so
# we use the Frobenius norm to compare them.
difference = np.linalg.norm(grad_naive - grad_vectorized, ord="fro")
print("difference: %f" % difference)

# %% [markdown] grade_id="svm-sgd-md"
# ### Stochastic Gradient Descent
#
# We now have vectorized and efficient expressions for the loss, the gradient and
# our gradient matches the numerical gradient. We are therefore ready to do SGD to
# minimize the loss. Your code for this part will be written inside
# `cs231n/classifiers/linear_classifier.py`: complete `LinearClassifier.train`,
# then run the code below.

# %% grade_id="svm-train"
from cs231n.classifiers.linear_classifier import LinearSVM

np.random.seed(0)
svm = LinearSVM()
tic = time.time()
loss_hist = svm.train(
    X_train, y_train, learning_rate=learning_rate, reg=reg, num_iters=num_iters, verbose=True
)
toc = time.time()
print("That took %fs" % (toc - tic))
print("first loss %f, last loss %f" % (loss_hist[0], loss_hist[-1]))

# %% grade_id="svm-loss-plot"
# A useful debugging strategy is to plot the loss as a function of
# iteration number:
plt.plot(loss_hist)
plt.xlabel("Iteration number")
plt.ylabel("Loss value")
plt.show()

# %% grade_id="svm-predict"
# Write the LinearClassifier.predict function and evaluate the performance on
# both the training and validation set
y_train_pred = svm.predict(X_train)
print("training accuracy: %f" % (np.mean(y_train == y_train_pred),))
y_val_pred = svm.predict(X_val)
print("validation accuracy: %f" % (np.mean(y_val == y_val_pred),))

# %% [markdown] grade_id="svm-search-md"
# ### Tuning the hyperparameters
#
# Use the validation set to tune the hyperparameters (regularization strength and
# learning rate). Train a linear SVM on the training set for every combination of
# `learning_rates` and `regularization_strengths` (defined in the settings cell at
# the top), compute its accuracy on the training and on the validation set, and
# store the numbers in the `results` dictionary. Keep the best classifier in
# `best_svm` and its validation accuracy in `best_val`. On CIFAR-10 you should get
# a validation accuracy of about 0.39; on the digits above 0.9.

# %% grade_id="svm-search" solution=true
# results is dictionary mapping tuples of the form
# (learning_rate, regularization_strength) to tuples of the form
# (training_accuracy, validation_accuracy). The accuracy is simply the fraction
# of data points that are correctly classified.
results = {}
best_val = -1  # The highest validation accuracy that we have seen so far.
best_svm = None  # The LinearSVM object that achieved the highest validation rate.

################################################################################
# TODO:                                                                        #
# Write code that chooses the best hyperparameters by tuning on the validation #
# set. For each combination of hyperparameters, train a linear SVM on the      #
# training set (num_iters iterations), compute its accuracy on the training    #
# and validation sets, and store these numbers in the results dictionary. In   #
# addition, store the best validation accuracy in best_val and the LinearSVM   #
# object that achieves this accuracy in best_svm. Call np.random.seed(0)       #
# before each training run so that your results can be reproduced.            #
################################################################################
### BEGIN SOLUTION
for lr in learning_rates:
    for rs in regularization_strengths:
        np.random.seed(0)
        candidate = LinearSVM()
        candidate.train(X_train, y_train, learning_rate=lr, reg=rs, num_iters=num_iters)
        train_accuracy = np.mean(candidate.predict(X_train) == y_train)
        val_accuracy = np.mean(candidate.predict(X_val) == y_val)
        results[(lr, rs)] = (train_accuracy, val_accuracy)
        if val_accuracy > best_val:
            best_val = val_accuracy
            best_svm = candidate
### END SOLUTION

# Print out results.
for lr, rs in sorted(results):
    train_accuracy, val_accuracy = results[(lr, rs)]
    print(
        "lr %e reg %e train accuracy: %f val accuracy: %f"
        % (lr, rs, train_accuracy, val_accuracy)
    )

print("best validation accuracy achieved during cross-validation: %f" % best_val)

# %% grade_id="svm-test"
# Evaluate the best svm on test set
y_test_pred = best_svm.predict(X_test)
test_accuracy = np.mean(y_test == y_test_pred)
print("linear SVM on raw pixels final test set accuracy: %f" % test_accuracy)

# %% [markdown] grade_id="svm-sklearn-md"
# ### Comparing with scikit-learn
#
# scikit-learn's `SGDClassifier(loss="{{ svm_loss }}")` trains a linear SVM with the
# {{ "squared hinge" if squared_hinge else "hinge" }} by stochastic gradient descent. Unlike your `LinearSVM` it fits one
# binary classifier per class (one-versus-rest) rather than the multiclass loss, fits
# the bias itself (so we drop our column of ones) and has its own learning-rate
# schedule. It gets the regularization of your `LinearSVM` trained with `reg` (the
# settings cell): scikit-learn minimises the mean loss plus `alpha` times its penalty
# (`0.5 * ||w||**2` for `"l2"`, `||w||_1` for `"l1"`), so
# `alpha = {{ sklearn_svm_alpha_factor }} * reg` matches your `{{ reg_text }}`.
{% if delta != 1 %}
# (Your margin is {{ delta_text }}, scikit-learn's is 1: with the weights divided by {{ delta_text }}
# the two are the same classifier, and `alpha` includes that rescaling.)
{% endif %}
# The accuracies should be in the same range.

# %% grade_id="svm-sklearn"
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier

sk_svm = SGDClassifier(
    loss="{{ svm_loss }}",
    penalty="{{ sklearn_penalty }}",
    alpha={{ sklearn_svm_alpha_factor }} * reg,  # scikit-learn's alpha for your {{ reg_text }}
    max_iter=50,
    tol=1e-3,
    random_state=0,
)
tic = time.time()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    sk_svm.fit(X_train[:, :-1], y_train)
toc = time.time()
print("scikit-learn SGDClassifier trained in %fs" % (toc - tic))

ours_val = np.mean(best_svm.predict(X_val) == y_val)
ours_test = np.mean(best_svm.predict(X_test) == y_test)
sk_val = np.mean(sk_svm.predict(X_val[:, :-1]) == y_val)
sk_test = np.mean(sk_svm.predict(X_test[:, :-1]) == y_test)
print("%-32s %10s %10s" % ("classifier", "val acc", "test acc"))
print("%-32s %10.4f %10.4f" % ("your linear SVM", ours_val, ours_test))
print("%-32s %10.4f %10.4f" % ("scikit-learn SGDClassifier", sk_val, sk_test))

# %% [markdown] grade_id="svm-weights-md"
# ### Visualizing the weights
#
# Each column of `W` holds one weight per pixel (and, in its last row, the bias)
# for one class. Reshaped into an image, it shows what the class score looks for.

# %% grade_id="svm-weights"
# Visualize the learned weights for each class: each column of W (without the
# bias, the last row) is reshaped into an image.
w = best_svm.W[:-1, :]  # strip out the bias
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

# %% [markdown] grade_id="svm-q2"
# **Inline Question 2**
#
# Describe what your visualized SVM weights look like, and offer a brief
# explanation for why they look the way they do.

# %% [markdown] grade_id="svm-q2-answer" solution=true grade=true points=1
# **Your answer:** Each image is a blurry template of its class, close to an average
# of its training images: on CIFAR-10 the plane and ship templates are mostly blue
# (sky, water), the car template is a reddish front of a car and the horse template
# seems to have two heads; on the digits each template roughly shows the strokes of
# its digit, with negative weights where other digits have ink. The score of a class is
# the dot product of its template with the image, so the classifier does template
# matching, and with only one template per class it has to blend all the ways the
# class can appear (poses, colours, positions) into one image.
