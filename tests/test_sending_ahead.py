"""Requests sent ahead (`sandbox.channel`, `Property.begin`): only a matter of speed.

The child works on a function's checks while the grader judges the ones before; these
tests pin down that this changes nothing a student or an instructor can see: answers in
order, a crash costing what it cost when each request waited for its answer, the same
results.json as grading with nothing sent ahead, and timed requests that run alone.
"""

import json

import numpy as np
import pytest
from conftest import REFERENCE_FILES, submission_with

from autograder.catalogue.mutants import load_catalogue, materialise
from autograder.grading import grade_submission
from autograder.grading.properties.base import Property
from autograder.grading.session import Session
from autograder.parts.linear_classifiers.requests import of
from autograder.report.results import to_results
from autograder.sandbox.channel import PIPE_BYTES, NotRun
from autograder.sandbox.process import ChildFailure, ChildProcess, Limits

LIMITS = Limits(call_seconds=10.0)


def _loss_call(W, X, y, reg=0.0):
    return {"W": W, "X": X, "y": y, "reg": reg, "return_inputs": False}


@pytest.fixture
def session(tmp_path):
    with Session(materialise(None, tmp_path / "reference"), LIMITS) as running:
        yield running


def test_answers_come_back_in_the_order_of_the_requests(session):
    rng = np.random.RandomState(0)
    problems = [(rng.randn(3, 4), rng.randn(5, 3), rng.randint(0, 4, 5)) for _ in range(6)]
    tickets = [session.send_call("svm_loss_vectorized", [_loss_call(*p)]) for p in problems]
    sent_ahead = [session.call("svm_loss_vectorized", [_loss_call(*p)], t)[0] for p, t in zip(problems, tickets, strict=True)]
    one_by_one = [session.call("svm_loss_vectorized", [_loss_call(*p)])[0] for p in problems]
    for ahead, alone in zip(sent_ahead, one_by_one, strict=True):
        assert float(ahead["loss"]) == float(alone["loss"])
        assert np.array_equal(ahead["dW"], alone["dW"])


def test_more_than_the_pipes_hold_is_sent_and_answered_without_deadlock(tmp_path):
    """Requests and answers far larger than both pipes: the grader writes what fits, the child
    answers, and neither blocks the other."""
    child = ChildProcess(LIMITS)
    child.start()
    try:
        child.setup(materialise(None, tmp_path / "reference"))
        child.request({"op": "load", "file": "cs231n/classifiers/linear_svm.py"})
        rng = np.random.RandomState(1)
        W, X, y = rng.randn(3073, 10), rng.randn(40, 3073), rng.randint(0, 10, 40)
        message = {"op": "linear_classifiers.call", "file": "cs231n/classifiers/linear_svm.py",
                   "fn": "svm_loss_vectorized", "calls": [_loss_call(W, X, y)] * 4}
        assert 6 * 4 * (X.nbytes + W.nbytes) > 4 * PIPE_BYTES  # several times what the pipes hold, each way
        tickets = [child.send(message) for _ in range(6)]
        assert all(t.pending for t in tickets)
        answers = [child.wait(t) for t in tickets]
        assert all(len(a["results"]) == 4 and a["results"][0]["ok"] for a in answers)
    finally:
        child.discard()


def test_a_crash_fails_its_own_request_and_the_later_ones_never_ran(tmp_path):
    svm = REFERENCE_FILES["linear_svm.py"] + (
        "\n\ndef _crash_on_three_samples(f):\n"
        "    def wrapped(W, X, y, reg):\n"
        "        if X.shape[0] == 3:\n"
        "            import os\n"
        "            os._exit(7)\n"
        "        return f(W, X, y, reg)\n"
        "    return wrapped\n\n\nsvm_loss_naive = _crash_on_three_samples(svm_loss_naive)\n")
    with Session(submission_with(tmp_path, "crash", linear_svm=svm), LIMITS) as session:
        rng = np.random.RandomState(2)
        fine = _loss_call(rng.randn(2, 3), rng.randn(4, 2), rng.randint(0, 3, 4))
        fatal = _loss_call(rng.randn(2, 3), rng.randn(3, 2), rng.randint(0, 3, 3))
        first, crashing, later = (session.send_call("svm_loss_naive", [c]) for c in (fine, fatal, fine))
        other = session.send_call("softmax_loss_naive", [fine])
        assert session.call("svm_loss_naive", [fine], first)[0]["ok"]
        with pytest.raises(ChildFailure, match="exited with code 7"):
            session.call("svm_loss_naive", [fatal], crashing)
        assert later.never_ran and other.never_ran
        with pytest.raises(ChildFailure, match="exited with code 7"):  # the function keeps its failure
            session.call("svm_loss_naive", [fine], later)
        # A request of another function that never ran goes to a new child, as if sent now.
        assert session.call("softmax_loss_naive", [fine], other)[0]["ok"]


def test_a_ticket_that_never_ran_says_so(tmp_path):
    child = ChildProcess(LIMITS)
    child.start()
    ticket = child.send({"op": "ping"})
    child.kill()
    with pytest.raises(NotRun):
        ticket.result()
    child.discard()


def test_a_timed_request_waits_until_the_child_is_idle(session, monkeypatch):
    """The speed check times a round trip: requests sent ahead must be answered before it starts."""
    rng = np.random.RandomState(3)
    X = rng.randn(300, 400)
    waiting = [session.send_call("svm_loss_naive", [_loss_call(rng.randn(400, 10), X, rng.randint(0, 10, 300))] * 3)
               for _ in range(3)]
    of(session).time_at_scale("svm_loss_vectorized", {"seed": 231, "reg": 5e-6}, repeats=1)
    assert all(not ticket.pending for ticket in waiting)


def _comparable(report) -> str:
    results = to_results(report)
    results.pop("execution_time", None)
    extra = results.get("extra_data", {})
    extra.pop("timings", None)
    for test in results["tests"]:
        test.pop("execution_time", None)
    return json.dumps(results, sort_keys=True)


@pytest.mark.parametrize("bug", ["svm_vec_no_delta", "softmax_naive_loss_is_array", "train_labels_sampled_separately",
                                 "predict_argmin", "softmax_vec_calls_naive"])
def test_the_report_is_the_same_with_nothing_sent_ahead(tmp_path, monkeypatch, bug):
    mutant = next(m for m in load_catalogue() if m.id == bug)
    folder = materialise(mutant, tmp_path / bug)
    ahead = _comparable(grade_submission(folder, limits=LIMITS))
    monkeypatch.setattr(Property, "begin", lambda self, ctx, function, cases=None: None)
    one_by_one = _comparable(grade_submission(folder, limits=LIMITS))
    assert ahead == one_by_one


def test_the_report_is_the_same_with_nothing_sent_ahead_when_the_child_dies_and_hangs(tmp_path, monkeypatch):
    """Crashes and hangs in the middle of a function's checks sent ahead: each costs what it
    cost when every request waited for its answer, and the other functions are unaffected."""
    svm = REFERENCE_FILES["linear_svm.py"] + """

def _dies_on_a_numerical_gradient_input(loss):
    def wrapped(W, X, y, reg):
        if W.shape == (2, 4) and X.shape == (3, 2) and reg == 2.5:
            import os
            os._exit(9)
        return loss(W, X, y, reg)
    return wrapped


svm_loss_vectorized = _dies_on_a_numerical_gradient_input(svm_loss_vectorized)
"""
    softmax = REFERENCE_FILES["softmax.py"] + """

def _hangs_on_a_regularization_input(loss):
    def wrapped(W, X, y, reg):
        if W.shape == (4, 2) and X.shape == (6, 4) and reg == 10.0:
            while True:
                pass
        return loss(W, X, y, reg)
    return wrapped


softmax_loss_naive = _hangs_on_a_regularization_input(softmax_loss_naive)
"""
    folder = submission_with(tmp_path, "dies_and_hangs", linear_svm=svm, softmax=softmax)
    limits = Limits(call_seconds=2.0)
    ahead = grade_submission(folder, limits=limits)
    monkeypatch.setattr(Property, "begin", lambda self, ctx, function, cases=None: None)
    one_by_one = grade_submission(folder, limits=limits)
    assert _comparable(ahead) == _comparable(one_by_one)
    by_function = ahead.by_function()
    assert 0 < by_function["svm_loss_vectorized"] < 22 and 0 < by_function["softmax_loss_naive"] < 18
    assert by_function["train"] == 12 and by_function["predict"] == 8 and by_function["svm_loss_naive"] == 18


def test_an_answer_written_to_the_graders_pipe_by_student_code_is_not_taken_for_one(tmp_path):
    """Answers carry their request's number: a message student code writes to the pipe the child
    answers on fails that function's check, instead of standing in for the answer to a request."""
    svm = REFERENCE_FILES["linear_svm.py"] + '''

def _forging(loss):
    def wrapped(W, X, y, reg):
        import fcntl
        import os
        import stat
        for fd in range(3, 64):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode) and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY:
                    os.write(fd, len(b'{"ok": true}').to_bytes(4, "big") + b'{"ok": true}')
            except OSError:
                pass
        return loss(W, X, y, reg)
    return wrapped


svm_loss_naive = _forging(svm_loss_naive)
'''
    report = grade_submission(submission_with(tmp_path, "forger", linear_svm=svm), limits=LIMITS)
    by_function = report.by_function()
    assert by_function["svm_loss_naive"] == 0
    assert all(by_function[f] == full for f, full in (("softmax_loss_naive", 18), ("softmax_loss_vectorized", 22),
                                                       ("svm_loss_vectorized", 22), ("train", 12), ("predict", 8)))
    gate = next(t for t in report.tests if t.function == "svm_loss_naive" and t.property == "matches_reference")
    assert "unreadable answer" in gate.output, gate.output
