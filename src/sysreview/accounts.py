"""The review team's accounts: who may sign in, and who may settle conflicts.

Pure functions; the facade stores :class:`~sysreview.model.Account` rows and calls
these.  Passwords are kept as scrypt hashes (``hashlib.scrypt``, a random 16-byte salt,
n = 2¹⁴, r = 8, p = 1, as OWASP's minimum for scrypt), compared in constant time.

The rules, as Covidence and Cochrane teams work: while a review has no accounts,
anyone who gives a name may screen and settle (a reviewer on their own machine); once
it has accounts, every name acting must be one of them, and only a lead settles
conflicts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable

from .errors import WorkflowError
from .model import Account

ROLES = ("lead", "reviewer")
MIN_PASSWORD = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_NAME = re.compile(r"^[^\s,;]+( [^\s,;]+)*$")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``password`` as ``scrypt$n$r$p$salt$hash`` (base64 salt and hash)."""
    check_password(password)
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    n, r, p = _SCRYPT["n"], _SCRYPT["r"], _SCRYPT["p"]
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


#: a hash no password matches, verified against for names without an account
UNKNOWN = "scrypt$16384$8$1$" + "A" * 22 + "==$" + "A" * 43 + "="


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(base64.b64decode(digest)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, base64.b64decode(digest))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise WorkflowError(f"a password needs at least {MIN_PASSWORD} characters")


def check_name(name: str) -> str:
    """``name`` stripped, if it can name a reviewer (no commas, semicolons or runs of
    spaces: names are listed with them)."""
    stripped = name.strip()
    if not stripped or not _NAME.match(stripped):
        raise WorkflowError(
            f"{name!r} cannot be a reviewer's name",
            hint="use letters, digits and single spaces (no commas or semicolons)",
        )
    return stripped


def check_role(role: str) -> None:
    if role not in ROLES:
        raise WorkflowError(f"role {role!r} is not one of {', '.join(ROLES)}")


def permit(
    accounts: Iterable[Account],
    name: str,
    *,
    settles: bool = False,
    act: str = "settles conflicts",
) -> None:
    """Refuse a blank ``name`` or one with spaces around it (one person would count
    as two); refuse ``name`` acting when the review has accounts and ``name`` is none of
    them, or when ``settles`` (a lead's act: settling a conflict, or ``act``) and
    ``name`` is not a lead."""
    if not name.strip():
        raise WorkflowError("say who acts: a reviewer's name cannot be blank")
    if name != name.strip():
        raise WorkflowError(
            f"reviewer name {name!r} has spaces around it",
            hint=f"write {name.strip()!r}: one person, one name",
        )
    team = {a.name: a for a in accounts}
    if not team:
        return
    member = team.get(name)
    if member is None:
        raise WorkflowError(
            f"{name!r} has no account on this review",
            hint="a lead adds one: sysreview account add NAME",
        )
    if settles and member.role != "lead":
        leads = ", ".join(sorted(n for n, a in team.items() if a.role == "lead"))
        raise WorkflowError(
            f"only a lead {act}; {name} is a reviewer",
            hint=f"leads: {leads}",
        )


def keeps_a_lead(accounts: Iterable[Account]) -> bool:
    """Whether a team (if it has anyone) still has a lead."""
    team = list(accounts)
    return not team or any(a.role == "lead" for a in team)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
