"""Who is signed in, and how often a name may guess: the session cookie and the
sign-in throttle, both kept in the app's memory (a restart signs everyone out).

The cookie holds the reviewer's name, when it was issued and a random nonce, under
an HMAC: it cannot be edited into another name, it stops working after
:data:`LIFETIME` whatever the browser does with its Max-Age, and signing out revokes
its nonce, so a copy of the old cookie no longer signs anyone in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

LIFETIME = 12 * 60 * 60  # seconds a sign-in lasts
FREE_FAILURES = 5  # failed sign-ins for one name before the throttle refuses
#: ... from one address, which a team behind one router shares
FREE_FAILURES_PER_ADDRESS = 20
FIRST_WAIT = 30.0  # seconds refused after the fifth failure, doubled with each more
LONGEST_WAIT = 60 * 60.0
FORGET_OVER = 10_000  # names and addresses remembered before the quiet ones are forgotten

Clock = Callable[[], float]


@dataclass
class Sessions:
    """Signed cookies under ``key``, issued and checked at ``clock``'s time."""

    key: bytes
    clock: Clock
    #: nonce -> when its cookie would have expired anyway (then it is forgotten)
    revoked: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, name: str) -> str:
        """A cookie value for ``name``: ``name.issued.nonce.tag``."""
        body = ".".join(
            (
                base64.urlsafe_b64encode(name.encode()).decode(),
                str(int(self.clock())),
                secrets.token_urlsafe(16),
            )
        )
        return f"{body}.{self._tag(body)}"

    def name(self, cookie: str) -> str | None:
        """The name in a cookie :meth:`issue` made, while it is neither expired nor
        revoked; else None."""
        body, _, tag = cookie.rpartition(".")
        encoded, issued, nonce = [*body.split("."), "", "", ""][:3]
        if not (body and nonce) or not hmac.compare_digest(tag, self._tag(body)):
            return None
        try:
            name = base64.urlsafe_b64decode(encoded.encode()).decode()
            age = self.clock() - int(issued)
        except (ValueError, UnicodeDecodeError):
            return None
        with self.lock:
            if nonce in self.revoked:
                return None
        return name if name and 0 <= age < LIFETIME else None

    def revoke(self, cookie: str) -> None:
        """Make ``cookie`` sign nobody in from now on (signing out)."""
        if self.name(cookie) is None:
            return
        body = cookie.rpartition(".")[0]
        _, issued, nonce = body.split(".")
        now = self.clock()
        with self.lock:
            self.revoked = {n: t for n, t in self.revoked.items() if t > now}
            self.revoked[nonce] = int(issued) + LIFETIME

    def _tag(self, body: str) -> str:
        return hmac.new(self.key, body.encode(), hashlib.sha256).hexdigest()


@dataclass
class Throttle:
    """Failed sign-ins per key (an account name, a client address): after ``free``
    failures, the next attempt waits :data:`FIRST_WAIT` seconds, doubled with every
    failure after that (at most :data:`LONGEST_WAIT`)."""

    clock: Clock
    free: int = FREE_FAILURES
    #: key -> (failures, refused until)
    failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, *keys: str) -> float:
        """Seconds before any of ``keys`` may try again (0: now)."""
        now = self.clock()
        with self.lock:
            until = max((self.failures.get(k, (0, now))[1] for k in keys), default=now)
        return max(0.0, until - now)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self.lock:
            if len(self.failures) > FORGET_OVER:  # a flood of names: forget the quiet ones
                quiet = now - LONGEST_WAIT
                self.failures = {k: v for k, v in self.failures.items() if v[1] > quiet}
            for key in keys:
                count = self.failures.get(key, (0, now))[0] + 1
                over = count - self.free
                wait = min(FIRST_WAIT * 2**over, LONGEST_WAIT) if over >= 0 else 0.0
                self.failures[key] = (count, now + wait)

    def succeeded(self, *keys: str) -> None:
        with self.lock:
            for key in keys:
                self.failures.pop(key, None)
