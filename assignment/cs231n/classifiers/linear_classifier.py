"""A linear classifier trained with minibatch stochastic gradient descent.

LinearClassifier holds the weights and the training loop; its subclasses
LinearSVM and Softmax only say which loss to minimise.
"""

import numpy as np

from cs231n.classifiers.linear_svm import svm_loss_vectorized
from cs231n.classifiers.softmax import softmax_loss_vectorized


class LinearClassifier:
    """Scores are X.dot(W); the predicted class is the highest score."""

    def __init__(self):
        self.W = None

    def train(
        self,
        X,
        y,
        learning_rate=1e-3,
        reg=1e-5,
        num_iters=100,
        batch_size=200,
        verbose=False,
    ):
        """Train this linear classifier using stochastic gradient descent.

        Inputs:
        - X: A numpy array of shape (N, D) containing training data; there are N
          training samples each of dimension D.
        - y: A numpy array of shape (N,) containing training labels; y[i] = c
          means that X[i] has label 0 <= c < C for C classes.
        - learning_rate: (float) learning rate for optimization.
        - reg: (float) regularization strength.
        - num_iters: (integer) number of steps to take when optimizing.
        - batch_size: (integer) number of training examples to use at each step.
        - verbose: (boolean) If true, print progress during optimization.

        The weights are created on the first call only, as
        0.001 * np.random.randn(D, C) with C = np.max(y) + 1; a second call
        continues from the weights it has.

        Outputs:
        A list containing the value of the loss function at each training
        iteration (one entry per iteration).
        """
        num_train, dim = X.shape
        num_classes = np.max(y) + 1  # assume y takes values 0...K-1 where K is number of classes
        if self.W is None:
            # lazily initialize W
            self.W = 0.001 * np.random.randn(dim, num_classes)

        # Run stochastic gradient descent to optimize W
        loss_history = []
        for it in range(num_iters):
            X_batch = None
            y_batch = None

            ###################################################################
            # TODO: Sample batch_size elements from the training data and    #
            # their corresponding labels to use in this round of gradient    #
            # descent. Store the data in X_batch and the labels in y_batch;  #
            # X_batch has shape (batch_size, dim) and y_batch has shape      #
            # (batch_size,). Hint: np.random.choice, with replacement.       #
            ###################################################################
            # YOUR CODE HERE
            pass

            # evaluate loss and gradient
            loss, grad = self.loss(X_batch, y_batch, reg)
            loss_history.append(loss)

            # perform parameter update
            ###################################################################
            # TODO: Update the weights using the gradient and the learning   #
            # rate (one step of gradient descent, downhill).                  #
            ###################################################################
            # YOUR CODE HERE
            pass

            if verbose and it % 100 == 0:
                print(f"iteration {it} / {num_iters}: loss {loss:f}")

        return loss_history

    def predict(self, X):
        """Use the trained weights of this linear classifier to predict labels.

        Inputs:
        - X: A numpy array of shape (N, D) containing data.

        Returns:
        - y_pred: Predicted labels for the data in X. y_pred is a 1-dimensional
          array of length N, and each element is an integer giving the predicted
          class: the index of the highest score in that row.
        """
        y_pred = np.zeros(X.shape[0])
        ###########################################################################
        # TODO: Implement this method. Store the predicted labels in y_pred.      #
        ###########################################################################
        # YOUR CODE HERE
        pass
        return y_pred

    def loss(self, X_batch, y_batch, reg):
        """Compute the loss function and its derivative; subclasses override this.

        Inputs:
        - X_batch: A numpy array of shape (N, D) containing a minibatch of N
          data points; each point has dimension D.
        - y_batch: A numpy array of shape (N,) containing labels for the minibatch.
        - reg: (float) regularization strength.

        Returns: A tuple containing:
        - loss as a single float
        - gradient with respect to self.W; an array of the same shape as W
        """
        raise NotImplementedError("use LinearSVM or Softmax, which define the loss")


class LinearSVM(LinearClassifier):
    """A subclass that uses the Multiclass SVM loss function."""

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """A subclass that uses the Softmax + Cross-entropy loss function."""

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
