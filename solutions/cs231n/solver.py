"""The Solver trains a model with minibatch stochastic gradient descent (provided, complete).

It follows the CS231n Solver: give it a model and the data, call `train()`, and
read the training history and the best parameters found.

    data = {"X_train": ..., "y_train": ..., "X_val": ..., "y_val": ...}
    model = TwoLayerNet(input_dim=..., hidden_dim=100, reg=...)
    solver = Solver(model, data, update_rule="sgd",
                    optim_config={"learning_rate": 1e-3},
                    lr_decay=0.95, num_epochs=10, batch_size=100, print_every=100)
    solver.train()

The model must have
- `model.params`: a dict from parameter names to numpy arrays;
- `model.loss(X, y=None)`: without y the (N, C) class scores, with y a tuple
  (loss, grads) where grads holds the gradient of the loss for every name of
  model.params.

After `train()`, `model.params` holds the parameters that did best on the
validation set, and `solver.loss_history`, `solver.train_acc_history` and
`solver.val_acc_history` hold the losses of every iteration and the accuracies
of every epoch.
"""

import numpy as np

from . import optim


class Solver:
    """Trains a classification model; see this module's docstring for how to use it."""

    def __init__(self, model, data, **kwargs):
        """Keyword arguments (all optional):

        - update_rule: the name of an update rule in cs231n/optim.py ("sgd").
        - optim_config: hyperparameters of the update rule (the learning rate...).
        - lr_decay: the learning rate is multiplied by it after each epoch.
        - batch_size: size of the minibatches (100).
        - num_epochs: number of epochs to train for (10).
        - num_train_samples, num_val_samples: how many samples the accuracies
          are measured on after each epoch (1000, None for all).
        - print_every: print the loss every this many iterations (10).
        - verbose: False to print nothing.
        - seed: seed of the minibatch sampling (None: numpy's global state).
        """
        self.model = model
        self.X_train, self.y_train = data["X_train"], data["y_train"]
        self.X_val, self.y_val = data["X_val"], data["y_val"]
        self.update_rule_name = kwargs.pop("update_rule", "sgd")
        self.optim_config = kwargs.pop("optim_config", {})
        self.lr_decay = kwargs.pop("lr_decay", 1.0)
        self.batch_size = kwargs.pop("batch_size", 100)
        self.num_epochs = kwargs.pop("num_epochs", 10)
        self.num_train_samples = kwargs.pop("num_train_samples", 1000)
        self.num_val_samples = kwargs.pop("num_val_samples", None)
        self.print_every = kwargs.pop("print_every", 10)
        self.verbose = kwargs.pop("verbose", True)
        seed = kwargs.pop("seed", None)
        if kwargs:
            raise ValueError("Unrecognized arguments {}".format(", ".join(f'"{k}"' for k in kwargs)))
        if not hasattr(optim, self.update_rule_name):
            raise ValueError(f'Invalid update_rule "{self.update_rule_name}"')
        self.update_rule = getattr(optim, self.update_rule_name)
        self.rng = np.random if seed is None else np.random.RandomState(seed)
        self._reset()

    def _reset(self):
        """Set up the book-keeping variables; called by __init__."""
        self.epoch = 0
        self.best_val_acc = 0
        self.best_params = {}
        self.loss_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        # Each parameter has its own copy of the optimizer's configuration.
        self.optim_configs = {p: dict(self.optim_config) for p in self.model.params}

    def _step(self):
        """One gradient update on a random minibatch (called by train())."""
        num_train = self.X_train.shape[0]
        batch_mask = self.rng.choice(num_train, self.batch_size)
        loss, grads = self.model.loss(self.X_train[batch_mask], self.y_train[batch_mask])
        self.loss_history.append(loss)
        for name, value in self.model.params.items():
            next_value, next_config = self.update_rule(value, grads[name], self.optim_configs[name])
            self.model.params[name] = next_value
            self.optim_configs[name] = next_config

    def check_accuracy(self, X, y, num_samples=None, batch_size=100):
        """The model's accuracy on (X, y), on a random subset of num_samples if given."""
        N = X.shape[0]
        if num_samples is not None and N > num_samples:
            mask = self.rng.choice(N, num_samples)
            N, X, y = num_samples, X[mask], y[mask]
        y_pred = []
        for start in range(0, N, batch_size):
            scores = self.model.loss(X[start : start + batch_size])
            y_pred.append(np.argmax(scores, axis=1))
        return float(np.mean(np.hstack(y_pred) == y))

    def train(self):
        """Run optimization to train the model."""
        num_train = self.X_train.shape[0]
        iterations_per_epoch = max(num_train // self.batch_size, 1)
        num_iterations = self.num_epochs * iterations_per_epoch
        for t in range(num_iterations):
            self._step()
            if self.verbose and t % self.print_every == 0:
                print(f"(Iteration {t + 1} / {num_iterations}) loss: {self.loss_history[-1]:f}")
            epoch_end = (t + 1) % iterations_per_epoch == 0
            if epoch_end:
                self.epoch += 1
                for config in self.optim_configs.values():
                    config["learning_rate"] = config.get("learning_rate", 1e-2) * self.lr_decay
            if t == 0 or t == num_iterations - 1 or epoch_end:
                train_acc = self.check_accuracy(self.X_train, self.y_train, self.num_train_samples)
                val_acc = self.check_accuracy(self.X_val, self.y_val, self.num_val_samples)
                self.train_acc_history.append(train_acc)
                self.val_acc_history.append(val_acc)
                if self.verbose:
                    print(f"(Epoch {self.epoch} / {self.num_epochs}) train acc: {train_acc:f}; val_acc: {val_acc:f}")
                if val_acc > self.best_val_acc:
                    self.best_val_acc = val_acc
                    self.best_params = {k: v.copy() for k, v in self.model.params.items()}
        self.model.params = self.best_params or self.model.params
