"""The build's forked workers (sitegen.workers): every task done once, a worker
that dies is an error, and no worker outlives the build."""

from __future__ import annotations

import os
import signal
import time

import pytest

from sitegen.workers import WorkerError, run_forked


def _square_with_pid(number: int) -> tuple[int, int, int]:
    return number, number * number, os.getpid()


def test_every_task_is_done_once_across_the_workers() -> None:
    results = list(run_forked(range(500), _square_with_pid, jobs=3))

    assert sorted(n for n, _, _ in results) == list(range(500))
    assert all(square == n * n for n, square, _ in results)
    pids = {pid for _, _, pid in results}
    assert os.getpid() not in pids
    assert 1 <= len(pids) <= 3


def test_more_tasks_than_a_pipe_holds_by_default() -> None:
    count = 20000  # 80,000 bytes of task numbers: more than 64 KiB
    assert sum(1 for _ in run_forked(range(count), abs, jobs=2)) == count


def test_large_results_come_through_whole() -> None:
    results = list(run_forked([300_000, 5], lambda n: b"x" * n, jobs=2))
    assert sorted(len(r) for r in results) == [5, 300_000]


def test_no_tasks_gives_no_results() -> None:
    assert list(run_forked([], abs, jobs=2)) == []


def _fail_on_three(number: int) -> int:
    if number == 3:
        raise ValueError("kapotte taak")
    return number


def test_an_exception_in_a_worker_is_reported_with_its_traceback() -> None:
    with pytest.raises(WorkerError) as caught:
        list(run_forked(range(6), _fail_on_three, jobs=2))
    assert "ValueError: kapotte taak" in str(caught.value)
    assert "_fail_on_three" in str(caught.value)


def _killed_on_two(number: int) -> int:
    if number == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return number


def test_a_worker_killed_by_a_signal_is_reported() -> None:
    with pytest.raises(WorkerError, match="SIGKILL"):
        list(run_forked(range(4), _killed_on_two, jobs=2))


def _exits(number: int) -> int:
    os._exit(7)


def test_a_worker_that_exits_silently_is_reported() -> None:
    with pytest.raises(WorkerError, match="code 7"):
        list(run_forked(range(2), _exits, jobs=1))


def _child_pids() -> set[int]:
    me = os.getpid()
    children: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            children.add(int(entry))
    return children


def test_stopping_early_leaves_no_worker_behind() -> None:
    before = _child_pids()
    results = run_forked(range(1000), _square_with_pid, jobs=2)
    next(results)
    results.close()
    assert _child_pids() <= before  # killed and reaped: not even a zombie


def test_a_failing_build_leaves_no_worker_behind() -> None:
    before = _child_pids()
    with pytest.raises(WorkerError):
        list(run_forked(range(50), _fail_on_three, jobs=2))
    assert _child_pids() <= before


def _sends_then_fails(send) -> None:
    send("eerste")
    raise RuntimeError("hulp kapot")


def test_a_helper_passes_its_messages_then_its_traceback() -> None:
    from sitegen.workers import Helper

    helper = Helper(_sends_then_fails)
    assert helper.receive() == "eerste"
    with pytest.raises(WorkerError, match="RuntimeError: hulp kapot"):
        helper.receive()
    helper.close()


def test_a_helper_that_exits_silently_is_reported() -> None:
    from sitegen.workers import Helper

    before = _child_pids()
    helper = Helper(lambda send: os._exit(4))
    with pytest.raises(WorkerError, match="code 4"):
        helper.receive()
    helper.close()
    assert _child_pids() <= before


def test_a_helper_is_ready_once_it_has_sent_something() -> None:
    """ready() tells the parent, without waiting, whether receive() would wait."""
    from sitegen.workers import Helper

    go_read, go_write = os.pipe()

    def waits_then_sends(send) -> None:
        os.read(go_read, 1)  # until the parent says go
        send("klaar")

    helper = Helper(waits_then_sends)
    os.close(go_read)
    assert not helper.ready()
    os.write(go_write, b"x")
    os.close(go_write)
    deadline = 200
    while not helper.ready() and deadline:
        time.sleep(0.01)
        deadline -= 1
    assert helper.ready()
    assert helper.receive() == "klaar"
    helper.close()
