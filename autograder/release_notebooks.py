"""Build the two assignment notebooks, `assignment/svm.ipynb` and `assignment/softmax.ipynb`.

The notebooks are generated, never edited by hand: change the cells here and
run

    python -m autograder.release_notebooks [OUT_DIR]

(OUT_DIR defaults to the release folder `assignment/`). A test checks that the
files on disk are exactly what `render_notebooks()` produces.

The notebooks are the nbgrader *source* version of the assignment: every cell
carries nbgrader metadata (schema version 3).

- Explanatory and set-up cells are locked (read only).
- Cells where students write code are solution cells; the instructor's answer
  sits between `### BEGIN SOLUTION` and `### END SOLUTION`, which
  `nbgrader generate_assignment` replaces by a stub.
- Inline question answers are manually graded markdown cells with points;
  nbgrader replaces their text by "YOUR ANSWER HERE".

They run on CIFAR-10 when `CS231N_CIFAR10_DIR` names the extracted
`cifar-10-batches-py` folder, and otherwise on scikit-learn's bundled digits
data (see `cs231n/data_utils.py`); nothing is downloaded. Every cell uses a
fixed seed, and on the digits each notebook runs in a few seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
SCHEMA_VERSION = 3
NOTEBOOK_NAMES = ("svm.ipynb", "softmax.ipynb")

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


# --------------------------------------------------------------------------- cells


def _text(source: str) -> str:
    return dedent(source).strip("\n")


def _meta(grade_id: str, *, solution: bool, grade: bool, locked: bool, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(grade_id: str, source: str):
    """A locked explanatory markdown cell."""
    return new_markdown_cell(
        _text(source),
        id=grade_id,
        metadata=_meta(grade_id, solution=False, grade=False, locked=True),
    )


def code(grade_id: str, source: str):
    """A locked code cell that students run but do not edit."""
    return new_code_cell(
        _text(source),
        id=grade_id,
        metadata=_meta(grade_id, solution=False, grade=False, locked=True),
    )


def solution_code(grade_id: str, source: str):
    """A code cell students complete; the answer lies between the solution markers."""
    text = _text(source)
    if BEGIN_SOLUTION not in text or END_SOLUTION not in text:
        raise ValueError(f"solution cell {grade_id} lacks the solution markers")
    return new_code_cell(
        text,
        id=grade_id,
        metadata=_meta(grade_id, solution=True, grade=False, locked=False),
    )


def answer(grade_id: str, source: str, points: int):
    """A manually graded markdown answer to an inline question (the model answer)."""
    return new_markdown_cell(
        _text(source),
        id=grade_id,
        metadata=_meta(grade_id, solution=True, grade=True, locked=False, points=points),
    )


def _notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=list(cells),
        metadata={
            "kernelspec": dict(KERNELSPEC),
            "language_info": {"name": "python"},
        },
    )
    nbformat.validate(nb)
    return nb


# --------------------------------------------------------------------------- shared cells

GET_DATA_MD = """
## Getting the data

`cs231n.data_utils.get_linear_classifier_data` loads the data, splits it into
training, validation, test and development sets and preprocesses it for you:
every image is flattened into a row, the mean training image is subtracted, and
a column of ones is appended (the *bias trick*: the bias becomes the last row
of `W`, so CIFAR-10 has `D = 32 * 32 * 3 + 1 = 3073`). The development set is a
small random subset of the training set, to check your code quickly.

**The one download step (CIFAR-10).** Download
[cifar-10-python.tar.gz](https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz)
(about 170 MB) once, extract it with `tar -xzf cifar-10-python.tar.gz`, and set
the environment variable `CS231N_CIFAR10_DIR` to the extracted
`cifar-10-batches-py` folder before you start Jupyter, for example

```bash
export CS231N_CIFAR10_DIR=$HOME/data/cifar-10-batches-py
```

**Without CIFAR-10** the notebook uses scikit-learn's small bundled *digits*
data set instead (1797 images of 8 x 8 pixels, the 10 digits) and prints a note
saying so. Nothing is ever downloaded for you. Everything in this notebook works
on both; on the digits it runs in seconds, accuracies are much higher (digits
are an easy problem for a linear classifier) and images are 8 x 8 grey levels.
"""

SETUP_CODE = """
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
"""

LOAD_CODE = """
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
"""

SHOW_EXAMPLES_CODE = """
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
"""

WEIGHTS_CODE = """
# Visualize the learned weights for each class: each column of W (without the
# bias, the last row) is reshaped into an image.
w = {best}.W[:-1, :]  # strip out the bias
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
"""


def _settings_code(cifar: dict, digits: dict) -> str:
    def block(values: dict) -> str:
        return "\n".join(f"    {name} = {value}" for name, value in values.items())

    return (
        _text(
            """
            # Step sizes, regularization strengths and iteration counts that suit the data:
            # CIFAR-10 (D = 3073, pixel values up to 255) needs far smaller steps and far
            # stronger regularization than the digits (D = 65, pixel values 0..16).
            """
        )
        + '\nif data["source"] == "cifar10":\n'
        + block(cifar)
        + "\nelse:\n"
        + block(digits)
    )


# --------------------------------------------------------------------------- svm.ipynb


def svm_cells():
    yield markdown(
        "svm-intro",
        """
        # Multiclass Support Vector Machine exercise

        *Complete and hand in this completed worksheet (including its outputs and any
        supporting code outside of the worksheet) with your assignment submission.*

        In this exercise you will:

        - implement a fully-vectorized **loss function** for the SVM
        - implement the fully-vectorized expression for its **analytic gradient**
        - **check your implementation** using numerical gradient
        - use a validation set to **tune the learning rate and regularization** strength
        - **optimize** the loss function with **SGD**
        - **visualize** the final learned weights
        """,
    )
    yield code("svm-setup", SETUP_CODE)
    yield markdown("svm-data-md", GET_DATA_MD)
    yield code("svm-load-data", LOAD_CODE)
    yield code(
        "svm-settings",
        _settings_code(
            cifar={
                "grad_check_reg": "5e1",
                "learning_rate": "1e-7",
                "reg": "2.5e4",
                "num_iters": "1500",
                "learning_rates": "[1e-7, 5e-5]",
                "regularization_strengths": "[2.5e4, 5e4]",
            },
            digits={
                "grad_check_reg": "1e3",
                "learning_rate": "1e-3",
                "reg": "1e-2",
                "num_iters": "300",
                "learning_rates": "[1e-4, 1e-3, 1e-2]",
                "regularization_strengths": "[1e-2, 1e0]",
            },
        ),
    )
    yield code("svm-show-examples", SHOW_EXAMPLES_CODE)
    yield markdown(
        "svm-classifier-md",
        """
        ## SVM Classifier

        Your code for this section will all be written inside
        `cs231n/classifiers/linear_svm.py`.

        As you can see, we have prefilled the function `svm_loss_naive` which uses for
        loops to evaluate the multiclass SVM loss function. Complete its gradient.

        **Sanity check.** With small random weights every score is close to 0, so every
        margin `s_j - s_{y_i} + 1` is close to 1 and the loss is close to the number of
        wrong classes, `C - 1` (9 for 10 classes).
        """,
    )
    yield code(
        "svm-sanity-check",
        """
        # Evaluate the naive implementation of the loss we provided for you:
        from cs231n.classifiers.linear_svm import svm_loss_naive

        # generate a random SVM weight matrix of small numbers
        np.random.seed(231)
        W = np.random.randn(X_dev.shape[1], num_classes) * 0.0001

        loss, grad = svm_loss_naive(W, X_dev, y_dev, 0.000005)
        print("loss: %f" % (loss,))
        print("expected about C - 1 = %d" % (num_classes - 1,))
        """,
    )
    yield markdown(
        "svm-gradcheck-md",
        """
        The `grad` returned from the function above is right now all zero. Derive and
        implement the gradient for the SVM cost function inside `svm_loss_naive`. You
        will find it helpful to interleave your new code inside the existing function.

        To check that you have correctly implemented the gradient, you can numerically
        estimate the gradient of the loss function and compare the numeric estimate to
        the gradient that you computed. We have provided code that does this for you,
        without regularization and then with a large regularization strength:
        """,
    )
    yield code(
        "svm-gradcheck",
        """
        # Once you've implemented the gradient, recompute it with the code below
        # and gradient check it with the function we provided for you.

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
        """,
    )
    yield markdown(
        "svm-q1",
        r"""
        **Inline Question 1**

        It is possible that once in a while a dimension in the gradcheck will not match
        exactly. What could such a discrepancy be caused by? Is it a reason for concern?
        What is a simple example in one dimension where a gradient check could fail? How
        would changing the margin affect the frequency of this happening? *Hint: the SVM
        loss function is not strictly speaking differentiable.*
        """,
    )
    yield answer(
        "svm-q1-answer",
        r"""
        **Your answer:** The hinge $\max(0, m)$ has a kink at $m = 0$, where the loss is
        not differentiable. When a margin $s_j - s_{y_i} + \Delta$ lies within $h$ of 0,
        the centered difference $(f(w + h) - f(w - h)) / 2h$ straddles the kink and
        averages the two one-sided slopes, while the analytic gradient picks one of them
        (a subgradient), so the two disagree. It is not a reason for concern: it only
        happens for inputs that sit (almost) exactly on a kink, and the analytic gradient
        is a valid subgradient there. A one-dimensional example is $f(x) = \max(0, x)$ at
        $x = 0$: the analytic gradient is 0 (or 1), the numerical one is
        $(h - 0) / 2h = 0.5$. With small random weights all scores are close to 0, so the
        margins start close to $\Delta$: a larger margin $\Delta$ keeps them further from
        the kink and makes failures rarer, while $\Delta$ close to 0 puts every margin
        near the kink and makes them frequent.
        """,
        points=2,
    )
    yield markdown(
        "svm-vectorized-md",
        """
        Next implement the function `svm_loss_vectorized`; for now only compute the loss;
        we will implement the gradient in a moment. It must return the same numbers as
        the naive version, and be much faster.
        """,
    )
    yield code(
        "svm-vectorized-loss",
        """
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
        """,
    )
    yield code(
        "svm-vectorized-grad",
        """
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
        """,
    )
    yield markdown(
        "svm-sgd-md",
        """
        ### Stochastic Gradient Descent

        We now have vectorized and efficient expressions for the loss, the gradient and
        our gradient matches the numerical gradient. We are therefore ready to do SGD to
        minimize the loss. Your code for this part will be written inside
        `cs231n/classifiers/linear_classifier.py`: complete `LinearClassifier.train`,
        then run the code below.
        """,
    )
    yield code(
        "svm-train",
        """
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
        """,
    )
    yield code(
        "svm-loss-plot",
        """
        # A useful debugging strategy is to plot the loss as a function of
        # iteration number:
        plt.plot(loss_hist)
        plt.xlabel("Iteration number")
        plt.ylabel("Loss value")
        plt.show()
        """,
    )
    yield code(
        "svm-predict",
        """
        # Write the LinearClassifier.predict function and evaluate the performance on
        # both the training and validation set
        y_train_pred = svm.predict(X_train)
        print("training accuracy: %f" % (np.mean(y_train == y_train_pred),))
        y_val_pred = svm.predict(X_val)
        print("validation accuracy: %f" % (np.mean(y_val == y_val_pred),))
        """,
    )
    yield markdown(
        "svm-search-md",
        """
        ### Tuning the hyperparameters

        Use the validation set to tune the hyperparameters (regularization strength and
        learning rate). Train a linear SVM on the training set for every combination of
        `learning_rates` and `regularization_strengths` (defined in the settings cell at
        the top), compute its accuracy on the training and on the validation set, and
        store the numbers in the `results` dictionary. Keep the best classifier in
        `best_svm` and its validation accuracy in `best_val`. On CIFAR-10 you should get
        a validation accuracy of about 0.39; on the digits above 0.9.
        """,
    )
    yield solution_code(
        "svm-search",
        """
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
        """,
    )
    yield code(
        "svm-test",
        """
        # Evaluate the best svm on test set
        y_test_pred = best_svm.predict(X_test)
        test_accuracy = np.mean(y_test == y_test_pred)
        print("linear SVM on raw pixels final test set accuracy: %f" % test_accuracy)
        """,
    )
    yield markdown(
        "svm-weights-md",
        """
        ### Visualizing the weights

        Each column of `W` holds one weight per pixel (and, in its last row, the bias)
        for one class. Reshaped into an image, it shows what the class score looks for.
        """,
    )
    yield code("svm-weights", WEIGHTS_CODE.format(best="best_svm"))
    yield markdown(
        "svm-q2",
        """
        **Inline Question 2**

        Describe what your visualized SVM weights look like, and offer a brief
        explanation for why they look the way they do.
        """,
    )
    yield answer(
        "svm-q2-answer",
        """
        **Your answer:** Each image is a blurry template of its class, close to an average
        of its training images: on CIFAR-10 the plane and ship templates are mostly blue
        (sky, water), the car template is a reddish front of a car and the horse template
        seems to have two heads; on the digits each template roughly shows the strokes of
        its digit, with negative weights where other digits have ink. The score of a class is
        the dot product of its template with the image, so the classifier does template
        matching, and with only one template per class it has to blend all the ways the
        class can appear (poses, colours, positions) into one image.
        """,
        points=1,
    )


# --------------------------------------------------------------------------- softmax.ipynb


def softmax_cells():
    yield markdown(
        "softmax-intro",
        """
        # Softmax exercise

        *Complete and hand in this completed worksheet (including its outputs and any
        supporting code outside of the worksheet) with your assignment submission.*

        This exercise is analogous to the SVM exercise. You will:

        - implement a fully-vectorized **loss function** for the Softmax classifier
        - implement the fully-vectorized expression for its **analytic gradient**
        - **check your implementation** with numerical gradient
        - use a validation set to **tune the learning rate and regularization** strength
        - **optimize** the loss function with **SGD**
        - **visualize** the final learned weights
        - **compare** your classifier with scikit-learn's logistic regression trained by SGD
        """,
    )
    yield code("softmax-setup", SETUP_CODE)
    yield markdown("softmax-data-md", GET_DATA_MD)
    yield code("softmax-load-data", LOAD_CODE)
    yield code(
        "softmax-settings",
        _settings_code(
            cifar={
                "grad_check_reg": "5e1",
                "learning_rate": "1e-7",
                "reg": "2.5e4",
                "num_iters": "1500",
                "learning_rates": "[1e-7, 5e-7]",
                "regularization_strengths": "[2.5e4, 5e4]",
            },
            digits={
                "grad_check_reg": "1e3",
                "learning_rate": "3e-3",
                "reg": "1e-2",
                "num_iters": "300",
                "learning_rates": "[1e-3, 1e-2]",
                "regularization_strengths": "[1e-2, 1e-1, 1e0]",
            },
        ),
    )
    yield markdown(
        "softmax-classifier-md",
        """
        ## Softmax Classifier

        Your code for this section will all be written inside
        `cs231n/classifiers/softmax.py`.

        First implement the naive softmax loss function with nested loops, in the
        function `softmax_loss_naive`. Shift the scores of each sample by their maximum
        before you exponentiate them, or large scores overflow.
        """,
    )
    yield code(
        "softmax-sanity-check",
        """
        from cs231n.classifiers.softmax import softmax_loss_naive

        # Generate a random softmax weight matrix and use it to compute the loss.
        np.random.seed(231)
        W = np.random.randn(X_dev.shape[1], num_classes) * 0.0001
        loss, grad = softmax_loss_naive(W, X_dev, y_dev, 0.0)

        # As a rough sanity check, our loss should be something close to -log(0.1).
        print("loss: %f" % loss)
        print("sanity check: %f" % (-np.log(0.1)))
        """,
    )
    yield markdown(
        "softmax-q1",
        """
        **Inline Question 1**

        Why do we expect our loss to be close to -log(0.1)? Explain briefly.
        """,
    )
    yield answer(
        "softmax-q1-answer",
        r"""
        **Your answer:** With $W$ = 1e-4 times random normal numbers every score is
        almost 0, so the softmax gives every class almost the same probability, $1/C$.
        There are $C = 10$ classes (for CIFAR-10 and for the digits), so the loss of each
        sample is $-\log p_{y_i} \approx -\log(1/10) = -\log(0.1) \approx 2.303$, and so is
        their average (the regularization term is 0 here).
        """,
        points=1,
    )
    yield code(
        "softmax-gradcheck",
        """
        # Complete the implementation of softmax_loss_naive and implement a (naive)
        # version of the gradient that uses nested loops.
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
        """,
    )
    yield markdown(
        "softmax-vectorized-md",
        """
        Now that we have a naive implementation of the softmax loss function and its
        gradient, implement a vectorized version in `softmax_loss_vectorized`. The two
        versions should compute the same results, but the vectorized version should be
        much faster.
        """,
    )
    yield code(
        "softmax-vectorized",
        """
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
        """,
    )
    yield markdown(
        "softmax-sgd-md",
        """
        ### Stochastic Gradient Descent

        `Softmax` is a `LinearClassifier`, so it uses the `train` and `predict` methods
        you wrote for the SVM, with the softmax loss.
        """,
    )
    yield code(
        "softmax-train",
        """
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
        """,
    )
    yield markdown(
        "softmax-search-md",
        """
        ### Tuning the hyperparameters

        Use the validation set to tune the learning rate and the regularization strength,
        over the values `learning_rates` and `regularization_strengths` of the settings
        cell. Keep the best classifier in `best_softmax`. On CIFAR-10 you should get a
        validation accuracy of over 0.35; on the digits above 0.9.
        """,
    )
    yield solution_code(
        "softmax-search",
        """
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
        """,
    )
    yield code(
        "softmax-test",
        """
        # evaluate on test set
        # Evaluate the best softmax on test set
        y_test_pred = best_softmax.predict(X_test)
        test_accuracy = np.mean(y_test == y_test_pred)
        print("softmax on raw pixels final test set accuracy: %f" % (test_accuracy,))
        """,
    )
    yield markdown(
        "softmax-q2",
        """
        **Inline Question 2** - *True or False*

        Suppose the overall training loss is defined as the sum of the per-datapoint loss
        over all training examples. It is possible to add a new datapoint to a training
        set that would leave the SVM loss unchanged, but this is not the case with the
        Softmax classifier loss.
        """,
    )
    yield answer(
        "softmax-q2-answer",
        r"""
        **Your answer:** True.

        **Your explanation:** A new point adds nothing to the SVM loss when its correct
        score beats every other score by at least the margin $\Delta$: all its hinge terms
        $\max(0, s_j - s_{y_i} + \Delta)$ are 0, so the summed SVM loss is unchanged. Its
        Softmax loss $-\log p_{y_i}$ is never 0, because with finite scores every class
        gets a positive probability, so $p_{y_i} < 1$: every new point increases the
        summed Softmax loss, if only a little.
        """,
        points=2,
    )
    yield markdown(
        "softmax-weights-md",
        """
        ### Visualizing the weights
        """,
    )
    yield code("softmax-weights", WEIGHTS_CODE.format(best="best_softmax"))
    yield markdown(
        "softmax-sklearn-md",
        """
        ## Comparing with scikit-learn

        scikit-learn's `SGDClassifier(loss="log_loss")` trains a logistic regression by
        stochastic gradient descent. Unlike your `Softmax` it fits one binary classifier
        per class (one-versus-rest) rather than a single softmax over the classes, fits
        the bias itself (so we drop our column of ones) and has its own learning-rate
        schedule. On the same data the two accuracies should be in the same range.
        """,
    )
    yield code(
        "softmax-sklearn",
        """
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import SGDClassifier

        sk_classifier = SGDClassifier(loss="log_loss", max_iter=50, tol=1e-3, random_state=0)
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
        """,
    )


# --------------------------------------------------------------------------- building

_BUILDERS = {"svm.ipynb": svm_cells, "softmax.ipynb": softmax_cells}


def build_notebook(name: str) -> nbformat.NotebookNode:
    """The notebook `name` (one of NOTEBOOK_NAMES) as a NotebookNode."""
    return _notebook(_BUILDERS[name]())


def render_notebooks() -> dict[str, str]:
    """File name -> exact file text of every notebook (deterministic)."""
    rendered = {}
    for name in NOTEBOOK_NAMES:
        text = nbformat.writes(build_notebook(name))
        if not text.endswith("\n"):
            text += "\n"
        rendered[name] = text
    return rendered


def build_notebooks(out_dir) -> list[Path]:
    """Write the notebooks into out_dir (created if needed); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_notebooks().items():
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) > 1 or any(arg.startswith("-") for arg in args):
        print("usage: python -m autograder.release_notebooks [OUT_DIR]", file=sys.stderr)
        return 2
    if args:
        out_dir = Path(args[0])
    else:
        from autograder.paths import assignment_dir

        out_dir = assignment_dir()
    for path in build_notebooks(out_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
