"""Forked worker processes for a build: each takes the next task, the parent reads.

A build forks its workers once the shared work is done (see sitegen.build), so
they inherit it. multiprocessing.Pool would add three threads to the parent;
its worker-watching thread wakes on every result still waiting in the pipe and
polls until the result thread has read it. In a cold build of 342 sites that
cost the parent ~0.2 s of CPU, taken from the workers on a 2-core machine.
Here the parent does nothing but hand out task numbers and read results.

Tasks go through one pipe as 4-byte numbers: several workers reading 4 bytes
each from one pipe never split a number, so the first free worker takes the
next task without a lock. Each worker sends its pickled results through a pipe
of its own. `Helper` runs one job in a forked process the same way, for work
the parent overlaps with its own (the national search index).

Garbage collection follows the recipe of the `gc` module's documentation for a
parent that forks workers: none in the parent while it builds what the workers
inherit (`collector_paused`: in a cold build its collections cost ~45 ms of the
parent's time, on the build's critical path, and only moved long-lived objects
between generations), `gc.freeze()` before forking, and enabled again early in
each worker, which makes much short-lived garbage.
"""

from __future__ import annotations

import fcntl
import gc
import os
import pickle
import select
import selectors
import signal
import struct
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")

_NUMBER = struct.Struct("<I")  # a task number
_HEADER = struct.Struct("<Q")  # the length of a pickled message
_DONE, _RESULT, _CRASH = 0, 1, 2
_PIPE_CAPACITY = 65536  # bytes a pipe holds by default on Linux


class WorkerError(Exception):
    """A worker process stopped before it finished its tasks."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection in this process meanwhile (see the module); the
    collector's state is restored after, so nesting is harmless. Only for work
    whose garbage is bounded: a build's parent, not a long-running loop."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_forked(tasks: Sequence[Task], work: Callable[[Task], Result],
               jobs: int) -> Iterator[Result]:
    """work(task) for every task, in `jobs` forked processes, as each is done.

    `work` should return its errors as values: an exception that escapes it
    stops that worker, and this raises WorkerError with its traceback once the
    other workers are stopped. Closing the iterator early stops the workers.
    """
    task_read = _task_pipe(len(tasks))
    workers: dict[int, int] = {}  # result pipe -> pid
    finished = False
    try:
        for _ in range(max(1, min(jobs, len(tasks)))):
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the child, which never returns
                os.close(result_read)
                for fd in workers:
                    os.close(fd)
                _serve(task_read, result_write, tasks, work)
            os.close(result_write)
            workers[result_read] = pid
        yield from _collect(workers)
        finished = True
    finally:
        os.close(task_read)
        _stop(workers, kill=not finished)


def _task_pipe(count: int) -> int:
    """The reading end of a pipe holding every task number (the writing end is
    closed).

    Written whole before any worker reads, so every read of 4 bytes gets one
    whole number, and a worker that finds it empty knows all tasks are taken.
    """
    numbers = b"".join(_NUMBER.pack(n) for n in range(count))
    read, write = os.pipe()
    try:
        if len(numbers) > _PIPE_CAPACITY:
            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, len(numbers))
        view = memoryview(numbers)
        while view:
            view = view[os.write(write, view):]
    except BaseException:
        os.close(read)
        raise
    finally:
        os.close(write)
    return read


def _serve(tasks_fd: int, results_fd: int, tasks: Sequence[Task],
           work: Callable[[Task], Result]) -> None:  # pragma: no cover - in the child
    """The worker: take task numbers until the pipe is empty and closed."""

    def serve() -> None:
        gc.enable()  # the parent may have paused it (collector_paused)
        while True:
            raw = os.read(tasks_fd, _NUMBER.size)
            if not raw:
                break
            (number,) = _NUMBER.unpack(raw)
            _send(results_fd, _RESULT, work(tasks[number]))
        _send(results_fd, _DONE, None)

    _in_child(results_fd, serve)


def _in_child(fd: int, body: Callable[[], None]) -> None:  # pragma: no cover
    """Run body in a forked child, then end it: an exception goes to the
    parent (through fd) as a traceback."""
    code = 0
    try:
        body()
    except BaseException:  # noqa: BLE001 - reported to the parent, then exit
        code = 1
        try:
            _send(fd, _CRASH, traceback.format_exc())
        except BaseException:  # noqa: BLE001 - the parent sees the exit code
            pass
    finally:
        os._exit(code)  # never run the parent's cleanup (finally, atexit) here


def _send(fd: int, kind: int, value: object) -> None:
    data = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _collect(workers: dict[int, int]) -> Iterator[Result]:
    """Yield the workers' results until each has said it is done."""
    buffers = {fd: bytearray() for fd in workers}
    done: set[int] = set()
    with selectors.DefaultSelector() as selector:
        for fd in workers:
            selector.register(fd, selectors.EVENT_READ)
        open_fds = len(workers)
        while open_fds:
            for key, _ in selector.select():
                fd = key.fd
                chunk = os.read(fd, 1 << 20)
                if not chunk:  # the worker exited
                    selector.unregister(fd)
                    open_fds -= 1
                    if fd not in done:
                        raise WorkerError(_exit_message(workers[fd]))
                    continue
                buffer = buffers[fd]
                buffer += chunk
                for kind, value in _messages(buffer):
                    if kind == _RESULT:
                        yield value  # type: ignore[misc]
                    elif kind == _DONE:
                        done.add(fd)
                    else:
                        raise WorkerError(f"een werkproces is gestopt:\n{value}")


def _messages(buffer: bytearray) -> Iterator[tuple[int, object]]:
    """Whole messages at the start of buffer, taken out of it."""
    while len(buffer) >= _HEADER.size:
        (size,) = _HEADER.unpack_from(buffer)
        end = _HEADER.size + size
        if len(buffer) < end:
            return
        message = pickle.loads(buffer[_HEADER.size:end])
        del buffer[:end]
        yield message


def _exit_message(pid: int) -> str:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return f"een werkproces (pid {pid}) is onverwacht gestopt"
    if os.WIFSIGNALED(status):
        return (f"een werkproces (pid {pid}) is gestopt door signaal "
                f"{signal.Signals(os.WTERMSIG(status)).name}")
    return (f"een werkproces (pid {pid}) is onverwacht gestopt met code "
            f"{os.waitstatus_to_exitcode(status)}")


def _stop(workers: dict[int, int], kill: bool) -> None:
    """Close the result pipes and reap every worker (killed first if `kill`)."""
    for fd, pid in workers.items():
        os.close(fd)
        try:
            if kill:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass  # reaped already (_exit_message)


class Helper:
    """One forked process running a job that sends messages to its parent.

    For work the parent can overlap with its own (sitegen.search.NationalBuild):
    `receive()` returns what the job sent, in order.
    """

    def __init__(self, job: Callable[[Callable[[object], None]], None]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            os.close(read)
            _in_child(write, lambda: job(lambda value: _send(write, _RESULT, value)))
        os.close(write)
        self._fd, self.pid = read, pid
        self._buffer = bytearray()

    def receive(self) -> object:
        """The next message the job sent; WorkerError if it stopped first."""
        while True:
            for kind, value in _messages(self._buffer):
                if kind == _RESULT:
                    return value
                raise WorkerError(f"een hulpproces is gestopt:\n{value}")
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:
                raise WorkerError(_exit_message(self.pid))
            self._buffer += chunk

    def ready(self) -> bool:
        """Would receive() return (or fail) without waiting? True as soon as the
        job has sent anything or stopped: the parent may do other work till then."""
        if self._buffer:
            return True
        readable, _, _ = select.select([self._fd], [], [], 0)
        return bool(readable)

    def close(self) -> None:
        """Wait for the process to end (after its last message it exits)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass  # reaped already (_exit_message)

