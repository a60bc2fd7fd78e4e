"""Reading export files as text: byte-order marks, CRLF, and a latin-1 fallback that
says so (a warning naming the file), never mojibake without notice."""

from __future__ import annotations

from pathlib import Path

from ._record import IngestIssue

BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))


def read_text(path: str | Path) -> tuple[str, list[IngestIssue]]:
    """The file's text with ``\\n`` line ends, and any warning about its encoding."""
    data = Path(path).read_bytes()
    issues: list[IngestIssue] = []
    text: str | None = None
    for encoding, bom in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                issues.append(
                    IngestIssue(
                        str(path), 1, f"byte-order mark says {encoding} but the bytes are not"
                    )
                )
                data = data[len(bom) :]
            break
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            issues.append(
                IngestIssue(
                    str(path), line, "not valid UTF-8: read as latin-1 (check accented letters)"
                )
            )
            text = data.decode("latin-1")
    if "\r" in text:  # one scan of a long text instead of two when there is none
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.lstrip("\ufeff"), issues
