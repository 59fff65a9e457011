"""Running one step's process: live output, a bounded tail, timeouts, Ctrl-C.

The step runs in its own process group (its own session), so a timeout or Ctrl-C ends
the step and everything it started (grandchildren included): SIGTERM to the group, then
SIGKILL after a grace period. Output is streamed in chunks and only the last
``TAIL_BYTES`` are kept, so hundreds of megabytes pass through in constant memory.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

TAIL_BYTES = 64 * 1024
GRACE_S = 5.0
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class ProcessResult:
    exit_code: int | None
    timed_out: bool
    interrupted: bool
    duration_s: float
    output_bytes: int
    tail: bytes


def _kill_group(proc: subprocess.Popen[bytes], grace_s: float, first: int) -> None:
    """Signal the whole group, wait up to grace_s, then SIGKILL what is left."""
    try:
        os.killpg(proc.pid, first)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace_s)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # grandchildren that ignored the first signal
    proc.wait()


def _install_sigint(flag: threading.Event) -> object:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, lambda _sig, _frame: flag.set())


def _restore_sigint(previous: object) -> None:
    if previous is not None:
        signal.signal(signal.SIGINT, previous)  # type: ignore[arg-type]


def run_process(
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: str,
    timeout_s: float | None,
    sink: IO[bytes] | None,
    interactive: bool = False,
    grace_s: float = GRACE_S,
    on_quiet: Callable[[float], None] | None = None,
) -> ProcessResult:
    """Run argv; stream its output to sink; returns when it ends, times out or is interrupted.

    ``on_quiet(elapsed)`` is called about every 5 s while the step prints nothing, so the
    caller can show that it is still running.
    """
    started = time.monotonic()
    capture = not interactive
    # Ctrl-C during a step only sets a flag (a handler, not KeyboardInterrupt), so it can
    # never strike between starting the process and watching it; the loop below then
    # stops the step's whole group. Steps get the default handler back at exec.
    interrupt = threading.Event()
    previous = _install_sigint(interrupt)
    try:
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdin=None if interactive else subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.STDOUT if capture else None,
            start_new_session=not interactive,
        )
    except BaseException:
        _restore_sigint(previous)
        raise
    tail: deque[bytes] = deque()
    tail_size = 0
    total = 0
    last_output = [time.monotonic()]

    def pump() -> None:
        nonlocal tail_size, total
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        while True:
            chunk = os.read(fd, CHUNK)
            if not chunk:
                return
            total += len(chunk)
            last_output[0] = time.monotonic()
            if sink is not None:
                try:
                    sink.write(chunk)
                    sink.flush()
                except (BrokenPipeError, ValueError):
                    pass
            tail.append(chunk)
            tail_size += len(chunk)
            while tail_size - len(tail[0]) >= TAIL_BYTES:
                tail_size -= len(tail.popleft())

    reader = threading.Thread(target=pump, daemon=True) if capture else None
    timed_out = interrupted = False
    try:
        if reader is not None:
            reader.start()
        while True:
            try:
                proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if interrupt.is_set():
                interrupted = True
                if interactive:
                    proc.wait()  # the step had the terminal: it got Ctrl-C itself
                else:
                    _kill_group(proc, grace_s, signal.SIGINT)
                break
            if timeout_s is not None and now - started > timeout_s:
                timed_out = True
                _kill_group(proc, grace_s, signal.SIGTERM)
                break
            if on_quiet is not None and now - last_output[0] >= 5.0:
                on_quiet(now - started)
                last_output[0] = now
    finally:
        _restore_sigint(previous)
    if reader is not None:
        # Background children may keep the pipe open after the step ends: stop waiting
        # for them (the daemon reader keeps draining whatever they still print).
        reader.join(timeout=1.0)
    data = b"".join(tail)[-TAIL_BYTES:]
    return ProcessResult(
        exit_code=proc.returncode,
        timed_out=timed_out,
        interrupted=interrupted,
        duration_s=time.monotonic() - started,
        output_bytes=total,
        tail=data,
    )
