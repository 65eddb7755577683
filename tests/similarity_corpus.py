"""Independent solutions for the similarity tests: written apart from `solutions/`, in other styles.

`INDEPENDENT_CORRECT` is a correct solution of every graded function, `INDEPENDENT_BUGGY`
another one with bugs (an unaveraged gradient, a missing factor 2, argmin). Each is
written into the release's stubs (`write_solution`), the way a student fills them in.
"""

from pathlib import Path

from autograder.catalogue.mutants import FILE_OF_FUNCTION, Mutant, apply_mutant
from autograder.parts import graded_files
from autograder.paths import assignment_dir

GRADED_FILES = graded_files()  # the linear classifiers' (the default course)

INDEPENDENT_CORRECT = {
    "svm_loss_naive": '''
def svm_loss_naive(W, X, y, reg):
    dW = np.zeros(W.shape)
    n_samples = X.shape[0]
    n_cls = W.shape[1]
    total = 0.0
    # go over every sample, then every wrong class
    for s in range(n_samples):
        row_scores = np.dot(X[s], W)
        target = row_scores[y[s]]
        for c in range(n_cls):
            if c != y[s]:
                gap = row_scores[c] + 1.0 - target
                if gap > 0:
                    total = total + gap
                    dW[:, c] = dW[:, c] + X[s]
                    dW[:, y[s]] = dW[:, y[s]] - X[s]
    loss = total / n_samples + reg * (W ** 2).sum()
    dW = dW / n_samples + reg * 2.0 * W
    return loss, dW
''',
    "svm_loss_vectorized": '''
def svm_loss_vectorized(W, X, y, reg):
    n = len(y)
    s = X @ W
    # score of the right class, one per row
    true_s = np.take_along_axis(s, y.reshape(-1, 1), axis=1)
    m = s - true_s + 1.0
    m[np.arange(n), y] = 0.0
    pos = m > 0  # where the hinge is active
    loss = np.where(pos, m, 0.0).sum() / n + reg * (W ** 2).sum()
    g = pos * 1.0
    g[np.arange(n), y] = -g.sum(axis=1)
    dW = (X.T @ g) / n + reg * 2.0 * W
    return loss, dW
''',
    "softmax_loss_naive": '''
def softmax_loss_naive(W, X, y, reg):
    loss = 0.0
    dW = np.zeros_like(W)
    for idx in range(X.shape[0]):
        f = X[idx] @ W
        f -= f.max()  # stability
        e = np.exp(f)
        p = e / e.sum()
        loss -= np.log(p[y[idx]])
        for k in range(W.shape[1]):
            coeff = p[k] - 1.0 if k == y[idx] else p[k]
            dW[:, k] += coeff * X[idx]
    loss = loss / X.shape[0] + reg * (W ** 2).sum()
    dW = dW / X.shape[0] + reg * 2.0 * W
    return loss, dW
''',
    "softmax_loss_vectorized": '''
def softmax_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    f = X @ W
    f = f - f.max(axis=1)[:, None]
    e = np.exp(f)
    p = e / e.sum(axis=1)[:, None]
    loss = -np.log(p[np.arange(n), y]).mean() + reg * (W ** 2).sum()
    # one-hot labels
    onehot = np.zeros_like(p)
    onehot[np.arange(n), y] = 1.0
    dW = X.T @ (p - onehot) / n + reg * 2.0 * W
    return loss, dW
''',
    "train": '''
def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, verbose=False):
    n, d = X.shape
    c = int(np.max(y)) + 1
    if self.W is None:
        self.W = 0.001 * np.random.randn(d, c)
    history = []
    for step in range(num_iters):
        # sample a minibatch with replacement
        pick = np.random.choice(n, size=batch_size, replace=True)
        xb, yb = X[pick, :], y[pick]
        value, gradient = self.loss(xb, yb, reg)
        history.append(value)
        self.W = self.W - learning_rate * gradient
        if verbose and step % 100 == 0:
            print("step", step, "of", num_iters, "loss", value)
    return history
''',
    "predict": '''
def predict(self, X):
    scores = X @ self.W
    return scores.argmax(axis=1)
''',
}

INDEPENDENT_BUGGY = {
    "svm_loss_naive": '''
def svm_loss_naive(W, X, y, reg):
    grad = np.zeros_like(W)
    L = 0.0
    N, C = X.shape[0], W.shape[1]
    # loop with while, the old way
    i = 0
    while i < N:
        sc = W.T.dot(X[i])
        j = 0
        while j < C:
            if j != y[i] and sc[j] - sc[y[i]] + 1 > 0:
                L += sc[j] - sc[y[i]] + 1
                grad[:, j] += X[i]
                grad[:, y[i]] -= X[i]
            j += 1
        i += 1
    L = L / N + reg * np.sum(np.square(W))
    grad = grad + 2 * reg * W
    return L, grad
''',
    "svm_loss_vectorized": '''
def svm_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    S = W.T.dot(X.T).T
    idx = np.arange(N)
    correct = S[idx, y]
    hinge = np.clip(S - correct[:, None] + 1, 0, None)
    hinge[idx, y] = 0  # no margin for the right class
    L = np.sum(hinge) / N + reg * np.sum(np.square(W))
    mask = (hinge > 0).astype(float)
    mask[idx, y] -= np.sum(mask, axis=1)
    grad = X.T.dot(mask) / N + reg * W
    return L, grad
''',
    "softmax_loss_naive": '''
def softmax_loss_naive(W, X, y, reg):
    L = 0.0
    grad = np.zeros_like(W)
    N, C = X.shape[0], W.shape[1]
    for i in range(N):
        z = W.T.dot(X[i])
        z = z - np.amax(z)
        # normalizer of the softmax
        denom = sum(np.exp(z[k]) for k in range(C))
        L += -z[y[i]] + np.log(denom)
        for k in range(C):
            grad[:, k] += (np.exp(z[k]) / denom) * X[i]
        grad[:, y[i]] -= X[i]
    L = L / N + reg * np.sum(np.square(W))
    grad = grad + 2 * reg * W
    return L, grad
''',
    "softmax_loss_vectorized": '''
def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    Z = W.T.dot(X.T).T
    Z -= np.amax(Z, axis=1, keepdims=True)
    logsum = np.log(np.sum(np.exp(Z), axis=1))
    L = np.sum(logsum - Z[np.arange(N), y]) / N + reg * np.sum(np.square(W))
    P = np.exp(Z - logsum[:, None])
    P[np.arange(N), y] -= 1  # gradient of the scores
    grad = X.T.dot(P) + 2 * reg * W
    return L, grad
''',
    "train": '''
def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, verbose=False):
    N, D = X.shape
    if self.W is None:
        self.W = 0.001 * np.random.randn(D, np.max(y) + 1)
    losses = []
    it = 0
    while it < num_iters:
        # random rows
        rows = np.random.randint(0, N, batch_size)
        L, grad = self.loss(X[rows], y[rows], reg)
        losses.append(L)
        self.W += -learning_rate * grad
        if verbose and not it % 100:
            print(f"{it}/{num_iters}: {L}")
        it += 1
    return losses
''',
    "predict": '''
def predict(self, X):
    return np.argmin(X.dot(self.W), axis=1)
''',
}


def solution_texts(functions: dict[str, str], base: Path | None = None) -> dict[str, str]:
    """The graded files (relative path -> text) of the stubs with `functions` written in."""
    base = base or assignment_dir()
    texts = {relative: (base / relative).read_text(encoding="utf-8") for relative in GRADED_FILES}
    for function, source in functions.items():
        relative = FILE_OF_FUNCTION[function]
        edit = Mutant(id="fill", function=function, description="filled in", replace_function=source)
        texts[relative] = apply_mutant(texts[relative], edit)
    return texts


def write_submission(folder: Path, texts: dict[str, str]) -> Path:
    """A submission folder in the release layout holding the graded files `texts`."""
    for relative, text in texts.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return folder


LOSSES = ("svm_loss_naive", "svm_loss_vectorized", "softmax_loss_naive", "softmax_loss_vectorized")


def honest_functions() -> dict[str, list[str]]:
    """Independently written versions of each loss function: the two solutions above, then the
    rewritten real student functions and the student-like ones of the diagnosis corpora."""
    import tomllib

    corpus = Path(__file__).resolve().parent / "corpus"
    entries = [e for name in ("real_mistakes.toml", "labelled_mistakes.toml")
               for e in tomllib.loads((corpus / name).read_text(encoding="utf-8"))["mistake"]]
    return {function: [INDEPENDENT_CORRECT[function], INDEPENDENT_BUGGY[function]]
            + [e["replace_function"] for e in entries if e["function"] == function] for function in LOSSES}


def honest_class(size: int) -> dict[str, dict[str, str]]:
    """`size` submissions whose loss functions are all different independent versions (the k-th
    submission takes the k-th version of each function): a class with nothing copied."""
    versions = honest_functions()
    return {f"student_{k:02d}": solution_texts({function: versions[function][k] for function in LOSSES})
            for k in range(size)}
