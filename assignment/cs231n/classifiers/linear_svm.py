"""Multiclass SVM loss (Weston-Watkins form, margin delta = 1) and its gradient.

You write two versions of the same function: one with explicit loops, which is
easy to get right, and one without any Python loop, which is fast. They must
return the same numbers.
"""

import numpy as np


def svm_loss_naive(W, X, y, reg):
    """Structured SVM loss function, naive implementation (with loops).

    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength.

    Returns a tuple of:
    - loss as a single float: the mean over samples of
      sum_{j != y_i} max(0, s_j - s_{y_i} + 1), plus reg * sum(W**2);
    - gradient with respect to weights W; an array of the same shape as W.

    Do not modify W, X or y.
    """
    dW = np.zeros(W.shape)  # initialize the gradient as zero
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    ###########################################################################
    # TODO: Compute the loss and its gradient dW with loops over the samples  #
    # and the classes. For every class j != y[i] with a positive margin, the  #
    # margin adds to the loss, column j of dW gets +X[i] and column y[i] gets #
    # -X[i]. Average over the samples, then add the regularization term       #
    # reg * sum(W**2) and its gradient 2 * reg * W.                           #
    ###########################################################################
    # YOUR CODE HERE
    pass
    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """Structured SVM loss function, vectorized implementation.

    Inputs and outputs are the same as svm_loss_naive. No Python loop
    (for, while, comprehension) is allowed here: use array operations.
    """
    loss = 0.0
    dW = np.zeros(W.shape)  # initialize the gradient as zero
    ###########################################################################
    # TODO: Implement a vectorized version of the structured SVM loss and its #
    # gradient. Compute all the scores at once (X.dot(W)), pick the correct   #
    # class scores with integer array indexing, and build a matrix that says  #
    # how often each sample adds or subtracts itself from each column of dW.  #
    ###########################################################################
    # YOUR CODE HERE
    pass
    return loss, dW
