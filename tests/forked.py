"""Run a function in a forked child, so that a crash fails one test, not the run.

``run_forked(function, *args)`` returns what the child's ``function(*args)``
returned, or raises in the parent the exception it raised there.  If the child
dies (a segfault, an abort) or hangs, ``ChildCrashed`` says how, with the
function and its arguments, so the failing input is in the test's report.
Results and exceptions cross the pipe pickled: return plain data (floats,
tuples, NumPy arrays), never a capsule.
"""

import os
import pickle
import select
import signal
import sys
import time
import traceback


class ChildCrashed(AssertionError):
    """The forked child died or hung instead of returning or raising."""


def run_forked(function, *args, timeout=60.0):
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(read_end)
        status = 0
        try:
            outcome = ("returned", function(*args))
        except BaseException as exc:  # noqa: BLE001 - everything goes back
            outcome = ("raised", exc, traceback.format_exc())
        try:
            data = pickle.dumps(outcome)
        except Exception:  # an unpicklable result or exception
            data = pickle.dumps(("raised", RuntimeError(repr(outcome)), ""))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view) :]
        except BaseException:
            status = 3
        os._exit(status)

    os.close(write_end)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise ChildCrashed(
                    f"{_call(function, args)} hung for more than {timeout} s"
                )
            ready, _, _ = select.select([read_end], [], [], left)
            if ready:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        raise ChildCrashed(
            f"{_call(function, args)} killed the process with signal "
            f"{number} ({signal.Signals(number).name})"
        )
    if not chunks:
        raise ChildCrashed(
            f"{_call(function, args)} exited with status "
            f"{os.WEXITSTATUS(status)} and no result"
        )
    outcome = pickle.loads(b"".join(chunks))
    if outcome[0] == "returned":
        return outcome[1]
    exc = outcome[1]
    exc.add_note(f"raised in a forked child by {_call(function, args)}:\n{outcome[2]}")
    raise exc


def _call(function, args):
    shown = ", ".join(_short(a) for a in args)
    return f"{getattr(function, '__qualname__', function)}({shown})"


def _short(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
