"""Layers of a neural network: each has a forward and a backward function.

A forward function takes inputs (and weights) and returns `(out, cache)`: the
output, and whatever the backward function needs later. The backward function
takes the upstream derivative `dout` (the derivative of the loss with respect
to `out`, of the shape of `out`) and the cache, and returns the derivative of
the loss with respect to each input. The two loss functions at the end take the
scores of the last layer and the labels and return `(loss, dx)`.
"""

import numpy as np


def affine_forward(x, w, b):
    """Computes the forward pass for an affine (fully-connected) layer.

    The input x has shape (N, d_1, ..., d_k) and contains a minibatch of N
    examples, where each example x[i] has shape (d_1, ..., d_k). We will
    reshape each input into a vector of dimension D = d_1 * ... * d_k, and
    then transform it to an output vector of dimension M.

    Inputs:
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)

    Returns a tuple of:
    - out: output, of shape (N, M)
    - cache: (x, w, b)

    Do not modify x, w or b: the cache keeps them for the backward pass.
    """
    out = None
    ###########################################################################
    # TODO: Implement the affine forward pass. Store the result in out. You   #
    # will need to reshape the input into rows of length D (x.reshape(N, -1)  #
    # does it without changing x), then multiply by w and add b.              #
    ###########################################################################
    ### BEGIN SOLUTION
    out = x.reshape(x.shape[0], -1).dot(w) + b
    ### END SOLUTION
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Computes the backward pass for an affine (fully-connected) layer.

    Inputs:
    - dout: Upstream derivative, of shape (N, M)
    - cache: Tuple of:
      - x: Input data, of shape (N, d_1, ... d_k)
      - w: Weights, of shape (D, M)
      - b: Biases, of shape (M,)

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, d1, ..., d_k)
    - dw: Gradient with respect to w, of shape (D, M)
    - db: Gradient with respect to b, of shape (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    ###########################################################################
    # TODO: Implement the affine backward pass.                               #
    # dx has the shape of x (reshape it back), dw the shape of w (use the     #
    # flattened x), and db sums dout over the N examples.                     #
    ###########################################################################
    ### BEGIN SOLUTION
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = dout.sum(axis=0)
    ### END SOLUTION
    return dx, dw, db


def relu_forward(x):
    """Computes the forward pass for a layer of rectified linear units (ReLUs).

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: x

    Do not modify x: the cache keeps it for the backward pass.
    """
    out = None
    ###########################################################################
    # TODO: Implement the ReLU forward pass.                                  #
    ###########################################################################
    ### BEGIN SOLUTION
    out = np.maximum(0, x)
    ### END SOLUTION
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """Computes the backward pass for a layer of rectified linear units (ReLUs).

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: Input x, of same shape as dout

    Returns:
    - dx: Gradient with respect to x

    Where x is exactly 0 the ReLU has a kink: any value between 0 and dout is a
    valid (sub)gradient there.
    """
    dx, x = None, cache
    ###########################################################################
    # TODO: Implement the ReLU backward pass.                                 #
    # The gradient flows through where the input x was positive.              #
    ###########################################################################
    ### BEGIN SOLUTION
    dx = dout * (x > 0)
    ### END SOLUTION
    return dx


def svm_loss(x, y):
    """Computes the loss and gradient using for multiclass SVM classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth
      class for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and
      0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss: the mean over the N inputs of
      sum_{j != y[i]} max(0, x[i, j] - x[i, y[i]] + 1) (no regularization)
    - dx: Gradient of the loss with respect to x
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: Implement loss and gradient for multiclass SVM classification.    #
    # This is the vectorized SVM loss of the linear classifiers, on scores:   #
    # the margin delta is 1, the correct class does not count, and the loss   #
    # and dx are averaged over the N inputs.                                  #
    ###########################################################################
    ### BEGIN SOLUTION
    num_train = x.shape[0]
    rows = np.arange(num_train)
    margins = np.maximum(0, x - x[rows, y][:, np.newaxis] + 1)
    margins[rows, y] = 0
    loss = margins.sum() / num_train
    dx = (margins > 0).astype(float)
    dx[rows, y] = -dx.sum(axis=1)
    dx /= num_train
    ### END SOLUTION
    return loss, dx


def softmax_loss(x, y):
    """Computes the loss and gradient for softmax classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth
      class for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and
      0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss: the mean over the N inputs of
      -log(softmax(x[i])[y[i]]) (no regularization)
    - dx: Gradient of the loss with respect to x
    """
    loss, dx = None, None
    ###########################################################################
    # TODO: Implement the loss and gradient for softmax classification. This  #
    # is the vectorized Softmax loss of the linear classifiers, on scores,    #
    # averaged over the N inputs. Scores can be large: subtract each row's    #
    # maximum before np.exp.                                                  #
    ###########################################################################
    ### BEGIN SOLUTION
    num_train = x.shape[0]
    rows = np.arange(num_train)
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].sum() / num_train
    dx = np.exp(log_probs)
    dx[rows, y] -= 1
    dx /= num_train
    ### END SOLUTION
    return loss, dx
