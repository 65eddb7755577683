"""A k-nearest-neighbour classifier with the L2 (Euclidean) distance.

You write the distance matrix three times: with two loops, with one loop and
with no loop at all. All three must return the same numbers; the last one is
the fast one. Then you write the vote of the k nearest neighbours.
"""

import numpy as np


class KNearestNeighbor:
    """A kNN classifier with L2 distance."""

    def __init__(self):
        pass

    def train(self, X, y):
        """Train the classifier. For k-nearest neighbors this is just memorizing
        the training data.

        Inputs:
        - X: A numpy array of shape (num_train, D) containing the training data
          consisting of num_train samples each of dimension D.
        - y: A numpy array of shape (N,) containing the training labels, where
             y[i] is the label for X[i].
        """
        self.X_train = X
        self.y_train = y

    def predict(self, X, k=1, num_loops=0):
        """Predict labels for test data using this classifier.

        Inputs:
        - X: A numpy array of shape (num_test, D) containing test data consisting
             of num_test samples each of dimension D.
        - k: The number of nearest neighbors that vote for the predicted labels.
        - num_loops: Determines which implementation to use to compute distances
          between training points and testing points.

        Returns:
        - y: A numpy array of shape (num_test,) containing predicted labels for the
          test data, where y[i] is the predicted label for the test point X[i].
        """
        if num_loops == 0:
            dists = self.compute_distances_no_loops(X)
        elif num_loops == 1:
            dists = self.compute_distances_one_loop(X)
        elif num_loops == 2:
            dists = self.compute_distances_two_loops(X)
        else:
            raise ValueError(f"Invalid value {num_loops} for num_loops")

        return self.predict_labels(dists, k=k)

    def compute_distances_two_loops(self, X):
        """Compute the distance between each test point in X and each training point
        in self.X_train using a nested loop over both the training data and the
        test data.

        Inputs:
        - X: A numpy array of shape (num_test, D) containing test data.

        Returns:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j]
          is the Euclidean distance between the ith test point and the jth training
          point.
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            for j in range(num_train):
                #####################################################################
                # TODO:                                                             #
                # Compute the l2 distance between the ith test point and the jth    #
                # training point, and store the result in dists[i, j]. You should   #
                # not use a loop over dimension, nor use np.linalg.norm().          #
                # The L2 distance is the square root of the sum of the squared      #
                # differences: sqrt(sum_d (X[i, d] - X_train[j, d])**2).            #
                #####################################################################
                ### BEGIN SOLUTION
                difference = X[i] - self.X_train[j]
                dists[i, j] = np.sqrt(np.sum(difference * difference))
                ### END SOLUTION
        return dists

    def compute_distances_one_loop(self, X):
        """Compute the distance between each test point in X and each training point
        in self.X_train using a single loop over the test data.

        Input / Output: Same as compute_distances_two_loops
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        for i in range(num_test):
            #######################################################################
            # TODO:                                                               #
            # Compute the l2 distance between the ith test point and all training #
            # points, and store the result in dists[i, :].                        #
            # Do not use np.linalg.norm(). Broadcasting X[i] against the whole    #
            # self.X_train gives all the differences at once; sum over axis 1.    #
            #######################################################################
            ### BEGIN SOLUTION
            differences = self.X_train - X[i]
            dists[i, :] = np.sqrt(np.sum(differences * differences, axis=1))
            ### END SOLUTION
        return dists

    def compute_distances_no_loops(self, X):
        """Compute the distance between each test point in X and each training point
        in self.X_train using no explicit loops.

        Input / Output: Same as compute_distances_two_loops
        """
        num_test = X.shape[0]
        num_train = self.X_train.shape[0]
        dists = np.zeros((num_test, num_train))
        #########################################################################
        # TODO:                                                                 #
        # Compute the l2 distance between all test points and all training      #
        # points without using any explicit loops, and store the result in      #
        # dists.                                                                #
        #                                                                       #
        # You should implement this function using only basic array operations; #
        # in particular you should not use functions from scipy,                #
        # nor use np.linalg.norm().                                             #
        #                                                                       #
        # HINT: Try to formulate the l2 distance using matrix multiplication    #
        #       and two broadcast sums: |x - y|**2 = |x|**2 + |y|**2 - 2 x.y    #
        #########################################################################
        ### BEGIN SOLUTION
        test_squares = np.sum(X * X, axis=1)[:, np.newaxis]
        train_squares = np.sum(self.X_train * self.X_train, axis=1)[np.newaxis, :]
        squares = test_squares + train_squares - 2.0 * X.dot(self.X_train.T)
        # Round-off can leave tiny negative numbers where two points coincide.
        dists = np.sqrt(np.maximum(squares, 0.0))
        ### END SOLUTION
        return dists

    def predict_labels(self, dists, k=1):
        """Given a matrix of distances between test points and training points,
        predict a label for each test point.

        Inputs:
        - dists: A numpy array of shape (num_test, num_train) where dists[i, j]
          gives the distance betwen the ith test point and the jth training point.
        - k: The number of nearest neighbors that vote.

        Returns:
        - y: A numpy array of shape (num_test,) containing predicted labels for the
          test data, where y[i] is the predicted label for the test point X[i].
        """
        num_test = dists.shape[0]
        y_pred = np.zeros(num_test)
        for i in range(num_test):
            # A list of length k storing the labels of the k nearest neighbors to
            # the ith test point.
            closest_y = []
            #########################################################################
            # TODO:                                                                 #
            # Use the distance matrix to find the k nearest neighbors of the ith    #
            # testing point, and use self.y_train to find the labels of these       #
            # neighbors. Store these labels in closest_y.                           #
            # Hint: Look up the function numpy.argsort.                             #
            #########################################################################
            # TODO:                                                                 #
            # Now that you have found the labels of the k nearest neighbors, you    #
            # need to find the most common label in the list closest_y of labels.   #
            # Store this label in y_pred[i]. Break ties by choosing the smaller     #
            # label.                                                                #
            #########################################################################
            ### BEGIN SOLUTION
            nearest = np.argsort(dists[i], kind="stable")[:k]
            closest_y = np.asarray(self.y_train)[nearest].astype(np.int64)
            # np.bincount counts every label 0..max; argmax returns the first
            # (smallest) label among those with the most votes.
            y_pred[i] = np.argmax(np.bincount(closest_y))
            ### END SOLUTION
        return y_pred
