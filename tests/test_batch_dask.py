"""`--scheduler ADDRESS`: the batch graded on a Dask distributed cluster (a LocalCluster here)
gives the same results, gradebook and report as the local run."""

import pytest
from batch_helpers import assert_same_outcome, graded_class, snapshot  # noqa: F401
from click.testing import CliRunner

from autograder.cli import main

distributed = pytest.importorskip("distributed")


def test_a_dask_cluster_grades_like_the_local_pool(graded_class, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as cluster:
        result = CliRunner().invoke(main, ["grade", str(graded_class.folder), "--out", str(out),
                                           "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert "on the Dask cluster" in result.output
    assert_same_outcome(out, graded_class)
    assert snapshot(graded_class.folder) == graded_class.snapshot


def test_an_unreachable_scheduler_is_named(monkeypatch, tmp_path):
    from autograder.batch import cluster
    from autograder.catalogue.mutants import materialise

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    submission = materialise(None, tmp_path / "alice")
    result = CliRunner().invoke(main, ["grade", str(submission), "--out", str(tmp_path / "out"),
                                       "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1, result.output
    assert "tcp://127.0.0.1:9: cannot reach the Dask scheduler" in result.output
    assert "Traceback" not in result.output
