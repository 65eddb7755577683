"""The grader's end of one child's two pipes: requests sent ahead, answers read in order.

A request may be sent before the answers to earlier ones are read, so that the child
works while the grader judges what it already has (`grading.session` sends a function's
checks this way). The child handles requests one at a time, in order, and answers each,
so the answers come back in the order of the requests; `Ticket`s keep the ones read
before they are asked for.

Requests are never written with a blocking write: what the pipe cannot take yet waits in
an outbox and is written whenever the grader waits for an answer and the pipe has room.
(A child blocked writing a long answer and a grader blocked writing a long request would
otherwise wait for each other forever.) Both pipes are enlarged where Linux allows it,
so that a whole batch of requests, and the answers to it, fit without waiting.
"""

import fcntl
import os
import selectors
import time
from collections import deque

PIPE_BYTES = 1 << 20
_F_SETPIPE_SZ = 1031


class ChildFailure(Exception):
    """The child died, hung or broke the protocol; the message is for the student."""


class NotRun(ChildFailure):
    """The child ended (on an earlier request) before it reached this one."""


class Ticket:
    """One request sent: pending until its answer is read, then answered, failed (the child
    ended or broke down while handling it) or never run (the child ended before reaching it)."""

    def __init__(self, number: int):
        self.number = number
        """The request's number, which the child's answer must carry (`process.ChildProcess.wait`)."""
        self.answer: dict | None = None
        self.error: str | None = None
        self.never_ran = False

    @property
    def pending(self) -> bool:
        return self.answer is None and self.error is None and not self.never_ran

    def result(self) -> dict:
        """The answer; ChildFailure when the request failed, NotRun when it never ran."""
        if self.error is not None:
            raise ChildFailure(self.error)
        if self.answer is None:
            raise NotRun("the process running your code had ended before this request was reached")
        return self.answer


class Channel:
    """Requests written without blocking, answers read at a deadline, both in order."""

    def __init__(self, request_fd: int, answer_fd: int):
        self.request_fd, self.answer_fd = request_fd, answer_fd
        for fd in (request_fd, answer_fd):
            try:
                fcntl.fcntl(fd, _F_SETPIPE_SZ, PIPE_BYTES)
            except OSError:
                pass  # the default size: only less ahead
        os.set_blocking(request_fd, False)
        self.outbox = bytearray()
        self.inbox = bytearray()
        self.tickets: deque[Ticket] = deque()
        self.selector = selectors.DefaultSelector()
        self.selector.register(answer_fd, selectors.EVENT_READ)
        self.deadline = 0.0
        self._watching_writes = False

    def send(self, data: bytes, number: int) -> Ticket:
        ticket = Ticket(number)
        self.tickets.append(ticket)
        self.outbox += data
        self._write()
        return ticket

    def oldest(self) -> Ticket | None:
        return self.tickets[0] if self.tickets else None

    def answered(self, answer: dict) -> None:
        self.tickets.popleft().answer = answer

    def end(self, error: str | None) -> None:
        """The child is gone: the request it was handling failed with `error`, the rest never ran
        (all of them when `error` is None: the grader ended the child itself, and whatever it
        was doing is done again by a new one)."""
        if self.tickets and error is not None:
            self.tickets.popleft().error = error
        while self.tickets:
            self.tickets.popleft().never_ran = True
        self.outbox.clear()
        self.selector.close()

    def _write(self) -> None:
        while self.outbox:
            try:
                written = os.write(self.request_fd, self.outbox[:PIPE_BYTES])
            except BlockingIOError:
                return
            except BrokenPipeError:
                self.outbox.clear()  # the child has ended: reading its answer says how
                return
            del self.outbox[:written]

    # --- the reader `wire.read_message` reads an answer from ---
    def read(self, n: int) -> bytes:
        """Up to `n` bytes of answers, writing waiting requests while it waits; b"" once the
        child has closed its end; TimeoutError at the deadline (set before each answer)."""
        while not self.inbox:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self._watch_writes(bool(self.outbox))
            events = self.selector.select(remaining)
            if not events:
                raise TimeoutError
            if any(key.fd == self.request_fd for key, _ in events):
                self._write()
            if any(key.fd == self.answer_fd for key, _ in events):
                data = os.read(self.answer_fd, max(n, PIPE_BYTES))
                if not data:
                    return b""
                self.inbox += data
        chunk = bytes(self.inbox[:n])
        del self.inbox[:n]
        return chunk

    def _watch_writes(self, on: bool) -> None:
        if on != self._watching_writes:
            if on:
                self.selector.register(self.request_fd, selectors.EVENT_WRITE)
            else:
                self.selector.unregister(self.request_fd)
            self._watching_writes = on
