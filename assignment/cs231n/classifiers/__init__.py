"""Linear classifiers: the multiclass SVM, the Softmax and the SGD training loop."""
