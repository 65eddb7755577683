# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] grade_id="knn-intro"
# # k-Nearest Neighbor (kNN) exercise
#
# *Complete and hand in this completed worksheet (including its outputs and any
# supporting code outside of the worksheet) with your assignment submission.*
#
# The kNN classifier consists of two stages:
#
# - During training, the classifier takes the training data and simply remembers it.
# - During testing, kNN classifies every test image by comparing it to all training
#   images and transferring the labels of the k most similar training examples.
# - The value of k is cross-validated.
#
# In this exercise you will implement these steps, understand the basic Image
# Classification pipeline and cross-validation, and gain proficiency in writing
# efficient, vectorized code.

# %% grade_id="knn-setup"
# Run some setup code for this notebook.
import os
import time

import matplotlib
import numpy as np

from cs231n.classifiers.k_nearest_neighbor import KNearestNeighbor
from cs231n.data_utils import CIFAR10_ENV_VAR, load_CIFAR10

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

# %% [markdown] grade_id="knn-data-md"
# ## Getting the data
#
# kNN works on the raw pixels: every image becomes one row of whole numbers (0 to 255
# for CIFAR-10), with no other preprocessing.
#
# **CIFAR-10.** Download
# [cifar-10-python.tar.gz](https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz)
# (about 170 MB) once, extract it with `tar -xzf cifar-10-python.tar.gz`, and set the
# environment variable `CS231N_CIFAR10_DIR` to the extracted `cifar-10-batches-py`
# folder before you start Jupyter. As in CS231n, 5000 training and 500 test images
# are used, so that the slow versions finish in a minute or so.
#
# **Without CIFAR-10** the notebook uses scikit-learn's small bundled *digits* data set
# instead (1797 images of 8 x 8 pixels with grey levels 0 to 16, the 10 digits): 1297
# images to train on and 500 to test. Nothing is ever downloaded for you, and
# everything here works on both.

# %% grade_id="knn-load-data"
# Load the data: CIFAR-10 if CS231N_CIFAR10_DIR names it, else the digits.
cifar10_dir = os.environ.get(CIFAR10_ENV_VAR)
if cifar10_dir:
    source, image_shape = "cifar10", (32, 32, 3)
    classes = ["plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    X_train, y_train, X_test, y_test = load_CIFAR10(cifar10_dir)
    num_training, num_test = 5000, 500  # subsample for a more efficient execution
    X_train, y_train = X_train[:num_training], y_train[:num_training]
    X_test, y_test = X_test[:num_test], y_test[:num_test]
else:
    from sklearn.datasets import load_digits  # bundled with scikit-learn: no download

    source, image_shape = "digits", (8, 8)
    classes = [str(digit) for digit in range(10)]
    digits = load_digits()
    order = np.random.RandomState(231).permutation(len(digits.target))
    images, labels = digits.images[order].astype(np.float64), digits.target[order].astype(np.int64)
    X_train, y_train = images[:1297], labels[:1297]
    X_test, y_test = images[1297:], labels[1297:]
    print("Note: CIFAR-10 was not found (set CS231N_CIFAR10_DIR), so the digits data set is used.")

# Reshape the image data into rows
X_train = np.reshape(X_train, (X_train.shape[0], -1))
X_test = np.reshape(X_test, (X_test.shape[0], -1))
num_classes = len(classes)
print("Data source:", source)
print("Training data shape:", X_train.shape, "labels:", y_train.shape)
print("Test data shape:", X_test.shape, "labels:", y_test.shape)

# %% grade_id="knn-show-examples"
# Visualize some examples from the dataset: a few training images of every class.
samples_per_class = 7
for y, cls in enumerate(classes):
    idxs = np.flatnonzero(y_train == y)[:samples_per_class]
    for i, idx in enumerate(idxs):
        plt.subplot(samples_per_class, num_classes, i * num_classes + y + 1)
        image = X_train[idx].reshape(image_shape)
        if len(image_shape) == 3:
            plt.imshow(image.astype("uint8"))
        else:
            plt.imshow(image, cmap="gray_r")
        plt.axis("off")
        if i == 0:
            plt.title(cls)
plt.show()

# %% [markdown] grade_id="knn-classifier-md"
# ## The classifier
#
# Open `cs231n/classifiers/k_nearest_neighbor.py`. Training a kNN classifier is a
# no-op: the classifier simply remembers the data and does no further processing.

# %% grade_id="knn-train"
# Create a kNN classifier instance and train it (it remembers the training data).
classifier = KNearestNeighbor()
classifier.train(X_train, y_train)

# %% [markdown] grade_id="knn-distances-md"
# We would now like to classify the test data with the kNN classifier. Recall that we
# can break down this process into two steps:
#
# 1. First we must compute the distances between all test examples and all train
#    examples.
# 2. Given these distances, for each test example we find the k nearest examples and
#    have them vote for the label.
#
# Let's begin with computing the distance matrix between all training and test
# examples. With `num_test` test and `num_train` training examples, this is a
# `(num_test, num_train)` matrix where entry `(i, j)` is the L2 (Euclidean) distance
# between the i-th test and the j-th training example: the square root of the sum of
# the squared differences of their pixels.
#
# **Note: For the three distance computations that we require you to implement in
# this notebook, you may not use the np.linalg.norm() function that numpy provides.**
#
# First, open `cs231n/classifiers/k_nearest_neighbor.py` and implement the function
# `compute_distances_two_loops` that uses a (very inefficient) double loop over all
# pairs of (test, train) examples and computes the distance matrix one element at a
# time.

# %% grade_id="knn-two-loops"
# Test your implementation (this takes a while: a Python loop over every pair):
dists = classifier.compute_distances_two_loops(X_test)
print(dists.shape)

# %% grade_id="knn-show-distances"
# We can visualize the distance matrix: each row is a single test example and
# its distances to training examples
plt.imshow(dists, interpolation="none")
plt.xlabel("training image")
plt.ylabel("test image")
plt.show()

# %% [markdown] grade_id="knn-q1"
# **Inline Question 1**
#
# Notice the structured patterns in the distance matrix, where some rows or columns
# are visibly brighter. (Note that with the default color scheme black indicates low
# distances while white indicates high distances.)
#
# - What in the data is the cause behind the distinctly bright rows?
# - What causes the columns?

# %% [markdown] grade_id="knn-q1-answer" solution=true grade=true points=1
# **Your answer:** A bright row is a test image that is far from almost every training
# image: an unusual image, for example one much brighter or darker than most, or with
# strong contrast, so that its pixel values differ a lot from those of the typical
# training image. A bright column is the same for a training image: one that is far
# from almost every test image (an unusual training image). The L2 distance on raw
# pixels mostly measures such overall differences of brightness and colour.

# %% [markdown] grade_id="knn-predict-md"
# Now implement the function `predict_labels`: the k nearest training images vote, and a
# tie goes to the smallest label. Run the code below, which predicts with k = 1 (the
# nearest neighbour only).

# %% grade_id="knn-predict"
# Now implement the function predict_labels and run the code below:
# We use k = 1 (which is Nearest Neighbor).
y_test_pred = classifier.predict_labels(dists, k=1)

# Compute and print the fraction of correctly predicted examples
num_correct = np.sum(y_test_pred == y_test)
accuracy = float(num_correct) / len(y_test)
print("Got %d / %d correct => accuracy: %f" % (num_correct, len(y_test), accuracy))

# %% [markdown] grade_id="knn-predict-k5-md"
# You should expect to see approximately `27%` accuracy on CIFAR-10 (far more on the
# digits, an easier problem). Now let's try out a larger `k`, say `k = 5`:

# %% grade_id="knn-predict-k5"
y_test_pred = classifier.predict_labels(dists, k=5)
num_correct = np.sum(y_test_pred == y_test)
accuracy = float(num_correct) / len(y_test)
print("Got %d / %d correct => accuracy: %f" % (num_correct, len(y_test), accuracy))

# %% [markdown] grade_id="knn-predict-k5-after"
# You should expect to see a slightly better performance than with `k = 1`.

# %% [markdown] grade_id="knn-q2"
# **Inline Question 2**
#
# We can also use other distance metrics such as the L1 distance. For pixel values
# $p_{ij}^{(k)}$ at location $(i,j)$ of some image $I_k$, the mean $\mu$ across all
# pixels over all images is $\mu=\frac{1}{nhw}\sum_{k=1}^n\sum_{i=1}^{h}\sum_{j=1}^{w}p_{ij}^{(k)}$
# and the pixel-wise mean $\mu_{ij}$ across all images is
# $\mu_{ij}=\frac{1}{n}\sum_{k=1}^np_{ij}^{(k)}$. The general standard deviation
# $\sigma$ and pixel-wise standard deviation $\sigma_{ij}$ are defined similarly.
#
# Which of the following preprocessing steps will not change the performance of a
# Nearest Neighbor classifier that uses L1 distance? Select all that apply. To clarify,
# both training and test examples are preprocessed in the same way.
#
# 1. Subtracting the mean $\mu$ ($\tilde{p}_{ij}^{(k)}=p_{ij}^{(k)}-\mu$.)
# 2. Subtracting the per pixel mean $\mu_{ij}$ ($\tilde{p}_{ij}^{(k)}=p_{ij}^{(k)}-\mu_{ij}$.)
# 3. Subtracting the mean $\mu$ and dividing by the standard deviation $\sigma$.
# 4. Subtracting the pixel-wise mean $\mu_{ij}$ and dividing by the pixel-wise standard deviation $\sigma_{ij}$.
# 5. Rotating the coordinate axes of the data, which means rotating all the images by the same angle. Empty regions in the image caused by rotation are padded with a same pixel value and no interpolation is performed.

# %% [markdown] grade_id="knn-q2-answer" solution=true grade=true points=1
# **Your answer:** 1, 2 and 3.
#
# **Your explanation:** Subtracting the same value from every image, whether one number
# $\mu$ or one value $\mu_{ij}$ per pixel, cancels in every difference
# $p_{ij}^{(k)} - p_{ij}^{(l)}$, so no L1 distance changes (1, 2). Dividing everything by
# the one number $\sigma$ scales every distance by $1/\sigma$, which keeps their order,
# so the nearest neighbours stay the same (3). Dividing by a per-pixel $\sigma_{ij}$
# weighs the pixels differently and can change which image is nearest (4). The L1
# distance is not invariant to rotating the coordinate axes (unlike L2): a rotation
# changes the sums of absolute differences unequally (5).

# %% [markdown] grade_id="knn-one-loop-md"
# Now let's speed up the distance matrix computation by using partial vectorization
# with one loop. Implement the function `compute_distances_one_loop` and run the code
# below:

# %% grade_id="knn-one-loop"
dists_one = classifier.compute_distances_one_loop(X_test)

# To ensure that our vectorized implementation is correct, we make sure that it
# agrees with the naive implementation. There are many ways to decide whether two
# matrices are similar; one of the simplest is the Frobenius norm. In case you
# haven't seen it before, the Frobenius norm of two matrices is the square root of
# the squared sum of differences of all elements; in other words, reshape the
# matrices into vectors and compute the Euclidean distance between them.
difference = np.linalg.norm(dists - dists_one, ord="fro")
print("One loop difference was: %f" % (difference,))
if difference < 0.001:
    print("Good! The distance matrices are the same")
else:
    print("Uh-oh! The distance matrices are different")

# %% [markdown] grade_id="knn-no-loops-md"
# Now implement the fully vectorized version inside `compute_distances_no_loops`
# and run the code. *Hint:* expand $|x - y|^2 = |x|^2 + |y|^2 - 2\,x \cdot y$: one
# matrix product and two broadcast sums give every squared distance at once.

# %% grade_id="knn-no-loops"
dists_two = classifier.compute_distances_no_loops(X_test)

# check that the distance matrix agrees with the one we computed before:
difference = np.linalg.norm(dists - dists_two, ord="fro")
print("No loop difference was: %f" % (difference,))
if difference < 0.001:
    print("Good! The distance matrices are the same")
else:
    print("Uh-oh! The distance matrices are different")


# %% grade_id="knn-timing"
# Let's compare how fast the implementations are
def time_function(f, *args):
    """Call a function f with args and return the time (in seconds) that it took to execute."""
    tic = time.time()
    f(*args)
    toc = time.time()
    return toc - tic


two_loop_time = time_function(classifier.compute_distances_two_loops, X_test)
print("Two loop version took %f seconds" % two_loop_time)

one_loop_time = time_function(classifier.compute_distances_one_loop, X_test)
print("One loop version took %f seconds" % one_loop_time)

no_loop_time = time_function(classifier.compute_distances_no_loops, X_test)
print("No loop version took %f seconds" % no_loop_time)

# You should see significantly faster performance with the fully vectorized implementation!

# NOTE: depending on what machine you're using,
# you might not see a speedup when you go from two loops to one loop,
# and might even see a slow-down.

# %% [markdown] grade_id="knn-cross-validation-md"
# ### Cross-validation
#
# We have implemented the k-Nearest Neighbor classifier but we set the value k = 5
# arbitrarily. We will now determine the best value of this hyperparameter with
# cross-validation.

# %% grade_id="knn-cross-validation" solution=true
num_folds = 5
k_choices = [1, 3, 5, 8, 10, 12, 15, 20, 50, 100]

X_train_folds = []
y_train_folds = []
################################################################################
# TODO:                                                                        #
# Split up the training data into folds. After splitting, X_train_folds and    #
# y_train_folds should each be lists of length num_folds, where                #
# y_train_folds[i] is the label vector for the points in X_train_folds[i].     #
# Hint: Look up the numpy array_split function.                                #
################################################################################
### BEGIN SOLUTION
X_train_folds = np.array_split(X_train, num_folds)
y_train_folds = np.array_split(y_train, num_folds)
### END SOLUTION

# A dictionary holding the accuracies for different values of k that we find
# when running cross-validation. After running cross-validation,
# k_to_accuracies[k] should be a list of length num_folds giving the different
# accuracy values that we found when using that value of k.
k_to_accuracies = {}

################################################################################
# TODO:                                                                        #
# Perform k-fold cross validation to find the best value of k. For each        #
# possible value of k, run the k-nearest-neighbor algorithm num_folds times,   #
# where in each case you use all but one of the folds as training data and the #
# last fold as a validation set. Store the accuracies for all fold and all     #
# values of k in the k_to_accuracies dictionary.                               #
################################################################################
### BEGIN SOLUTION
for fold in range(num_folds):
    X_fold_train = np.concatenate([X_train_folds[f] for f in range(num_folds) if f != fold])
    y_fold_train = np.concatenate([y_train_folds[f] for f in range(num_folds) if f != fold])
    fold_classifier = KNearestNeighbor()
    fold_classifier.train(X_fold_train, y_fold_train)
    fold_dists = fold_classifier.compute_distances_no_loops(X_train_folds[fold])
    for k in k_choices:
        predicted = fold_classifier.predict_labels(fold_dists, k=k)
        k_to_accuracies.setdefault(k, []).append(float(np.mean(predicted == y_train_folds[fold])))
### END SOLUTION

# Print out the computed accuracies
for k in sorted(k_to_accuracies):
    for accuracy in k_to_accuracies[k]:
        print("k = %d, accuracy = %f" % (k, accuracy))

# %% grade_id="knn-cross-validation-plot"
# plot the raw observations
for k in k_choices:
    accuracies = k_to_accuracies[k]
    plt.scatter([k] * len(accuracies), accuracies)

# plot the trend line with error bars that correspond to standard deviation
accuracies_mean = np.array([np.mean(v) for k, v in sorted(k_to_accuracies.items())])
accuracies_std = np.array([np.std(v) for k, v in sorted(k_to_accuracies.items())])
plt.errorbar(k_choices, accuracies_mean, yerr=accuracies_std)
plt.title("Cross-validation on k")
plt.xlabel("k")
plt.ylabel("Cross-validation accuracy")
plt.show()

# %% grade_id="knn-best-k" solution=true
# Based on the cross-validation results above, choose the best value for k,
# retrain the classifier using all the training data, and test it on the test
# data.
best_k = 1
### BEGIN SOLUTION
best_k = max(k_choices, key=lambda k: (np.mean(k_to_accuracies[k]), -k))
### END SOLUTION

classifier = KNearestNeighbor()
classifier.train(X_train, y_train)
y_test_pred = classifier.predict(X_test, k=best_k)

# Compute and display the accuracy
num_correct = np.sum(y_test_pred == y_test)
accuracy = float(num_correct) / len(y_test)
print("best k = %d: got %d / %d correct => accuracy: %f" % (best_k, num_correct, len(y_test), accuracy))

# %% [markdown] grade_id="knn-q3"
# **Inline Question 3**
#
# Which of the following statements about $k$-Nearest Neighbor ($k$-NN) are true in a
# classification setting, and for all $k$? Select all that apply.
#
# 1. The decision boundary of the k-NN classifier is linear.
# 2. The training error of a 1-NN will always be lower than or equal to that of 5-NN.
# 3. The test error of a 1-NN will always be lower than that of a 5-NN.
# 4. The time needed to classify a test example with the k-NN classifier grows with the size of the training set.
# 5. None of the above.

# %% [markdown] grade_id="knn-q3-answer" solution=true grade=true points=1
# **Your answer:** 2 and 4.
#
# **Your explanation:** (1) is false: the decision boundary of k-NN is made of pieces
# of the perpendicular bisectors between training points of different classes, in
# general far from a single hyperplane. (2) is true: each training point is its own
# nearest neighbour (distance 0), so 1-NN classifies the training set perfectly (up
# to identical images with different labels), which no 5-NN can beat. (3) is false: a
# larger k often generalises better, and which is better depends on the data. (4) is
# true: a test example is compared with every training example, so the work grows
# linearly with the size of the training set.
