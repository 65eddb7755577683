"""The linear classifiers: the multiclass SVM and Softmax losses with their gradients (loop
and vectorized versions) and a linear classifier trained with minibatch SGD.

Everything this part knows lives in this folder: `part.toml` (its graded files and
functions), `rubric.toml`, the hidden properties, the calls made in the child
(`harness.py`), the reference adapter, the formulation's effect on the solutions, the
catalogue, the notebooks' sources and the public checks' templates.
"""
