"""`autograder doctor`: what this machine offers the sandbox, what is in use, and a live check.

It lists every layer of the sandbox (see `layers`), whether this machine offers it and
why not, then starts one real child, sets it up in a throwaway scratch folder and has
it try what student code must not do (fork, open a TCP or UDP socket, read the hidden
properties or the reference solutions, write outside its scratch folder, signal the
grader or the zygote it was forked from). Nothing is graded and nothing is written outside a temporary folder.
"""

import json
import os
import platform
import shutil
import tempfile
from pathlib import Path

import click

from autograder.sandbox import layers, process


def live_check() -> dict:
    """Start a child, set it up, probe it; the layers it reports and what it could not do."""
    import autograder

    package = Path(autograder.__file__).resolve().parent
    scratch = Path(tempfile.mkdtemp(prefix="autograder-doctor-"))
    work = scratch / "work"
    work.mkdir()
    outside = scratch / "outside.txt"
    child = process.ChildProcess()
    try:
        child.start()
        child.setup(work)
        reads = [str(package / "grading" / "engine.py"), "/etc/hostname", f"/proc/{os.getpid()}/environ"]
        try:
            from autograder.paths import solutions_dir

            reads.append(str(solutions_dir() / "cs231n" / "classifiers" / "softmax.py"))
        except Exception:  # noqa: BLE001 - no material installed: skip that probe
            pass
        others = {}
        if isinstance(child.proc, process._ForkedChild):
            others["the zygote it was forked from"] = process.zygote_for(child.plan).proc.pid
        answer = child.request({"op": "probe", "grader_pid": os.getpid(), "read": reads, "signal": others,
                                "write": [str(outside), str(work / "allowed.txt")]})
        blocked = dict(answer.get("blocked", {}))
        inside_works = not blocked.pop(f"write {work / 'allowed.txt'}", True)
        blocked["write inside its own scratch folder (must work)"] = inside_works
        return {"layers": child.layers, "blocked": blocked, "uid": answer.get("uid")}
    finally:
        child.discard()
        shutil.rmtree(scratch, ignore_errors=True)


def report() -> dict:
    offered = layers.detect()
    status = process.sandbox_status()
    machine = {
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "grader runs as root": os.geteuid() == 0 if hasattr(os, "geteuid") else False,
        "landlock ABI": layers.landlock_abi(),
        "bubblewrap (not needed: the mount layer does its job)": shutil.which("bwrap") or "not installed",
        "switched off": os.environ.get(process.DISABLE_VARIABLE, "") or "nothing",
        "children start": process.start_mode(),
    }
    return {"machine": machine, "offered": offered, "status": status}


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-live", is_flag=True, help="Only detect; do not start a child to check it.")
def doctor_command(as_json: bool, no_live: bool) -> None:
    """Show which sandbox layers this machine offers and which the grader uses."""
    data = report()
    if not no_live:
        data["live"] = live_check()
        data["status"] = process.sandbox_status()
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for key, value in data["machine"].items():
        console.print(f"{key}: {value}")
    table = Table(title="Sandbox layers")
    table.add_column("layer")
    table.add_column("what it does")
    table.add_column("offered here")
    table.add_column("in use")
    for name in (*layers.ALWAYS, *layers.OPTIONAL):
        why_not = data["offered"].get(name)
        offered = "yes" if why_not is None else f"no: {why_not}"
        table.add_row(name, layers.LAYER_DESCRIPTIONS[name], offered, data["status"].get(name, ""))
    console.print(table)
    if "live" in data:
        live = data["live"]
        checks = Table(title=f"Live check: a child set up as uid {live['uid']} tried to ...")
        checks.add_column("action")
        checks.add_column("result")
        for name, blocked in live["blocked"].items():
            if name.startswith("write inside"):
                checks.add_row(name, "works" if blocked else "[red]FAILED[/red]")
            else:
                checks.add_row(name, "blocked" if blocked else "[yellow]allowed[/yellow]")
        console.print(checks)
