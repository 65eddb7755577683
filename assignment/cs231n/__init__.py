"""CS231n assignment 1, linear classifiers: the package students complete."""
