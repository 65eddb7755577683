"""Softmax (cross-entropy) loss and its gradient.

As for the SVM you write a version with loops and a vectorized one. Both must
stay finite when the scores are large: shift each row of scores by its maximum
(or use a log-sum-exp) before exponentiating.
"""

import numpy as np


def softmax_loss_naive(W, X, y, reg):
    """Softmax loss function, naive implementation (with loops).

    Inputs have dimension D, there are C classes, and we operate on minibatches
    of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means
      that X[i] has label c, where 0 <= c < C.
    - reg: (float) regularization strength.

    Returns a tuple of:
    - loss as a single float: the mean over samples of -log p_{y_i}, plus
      reg * sum(W**2);
    - gradient with respect to weights W; an array of the same shape as W.

    Do not modify W, X or y.
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)
    ###########################################################################
    # TODO: Compute the softmax loss and its gradient using explicit loops.   #
    # Store the loss in loss and the gradient in dW. Subtract the maximum     #
    # score of each sample before calling np.exp, or the loss overflows for   #
    # large scores. Don't forget the regularization!                          #
    ###########################################################################
    # YOUR CODE HERE
    pass
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss function, vectorized version.

    Inputs and outputs are the same as softmax_loss_naive. No Python loop
    (for, while, comprehension) is allowed here: use array operations.
    """
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)
    ###########################################################################
    # TODO: Compute the softmax loss and its gradient using no explicit loops.#
    # Store the loss in loss and the gradient in dW. The gradient of the data #
    # term is X.T.dot(P - Y) / N, with P the probabilities and Y the one-hot  #
    # labels. Keep it numerically stable, and add the regularization.         #
    ###########################################################################
    # YOUR CODE HERE
    pass
    return loss, dW
