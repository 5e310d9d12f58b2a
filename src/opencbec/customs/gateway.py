"""The way to customs (海关通道) behind one protocol; the real one is the China E-port transfer
client's folder exchange.

Folder contract (shared with the customs simulator), under `<var_dir>/exchange/`:
`outbox/` platform → customs, `inbox/` customs → platform, `archive/outbox/`, `archive/inbox/`,
`dead/`. A file is named `<root element>_<guid>.xml`, written as `<name>.tmp` in the same folder,
fsync'ed, then renamed; readers ignore `*.tmp`. Content is a plain (signed) CEB message or a
DxpMsg envelope carrying one.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

from opencbec.kit.i18n import Bilingual

FOLDERS: Final = ("outbox", "inbox", "archive/outbox", "archive/inbox", "dead")
NAME: Final = re.compile(r"[A-Za-z0-9]{1,40}_[A-Za-z0-9-]{1,64}\.xml")
MAX_FILE_BYTES: Final = 20 * 1024 * 1024
Probe = Callable[[str], None]
"""Called at named points of a write or a move (crash tests kill the process there)."""


def _no_probe(point: str) -> None:
    del point


@dataclass(frozen=True, slots=True)
class Incoming:
    """A file found in the inbox: its name and bytes, or why it could not be read."""

    name: str
    data: bytes | None
    problem: Bilingual | None = None


@dataclass(frozen=True, slots=True)
class FolderCensus:
    """How many finished files wait in a folder, and the modification time of the oldest."""

    folder: str
    files: int
    oldest_mtime: float | None


class CustomsGateway(Protocol):
    """Sends messages to customs and receives what customs sends back."""

    def send(self, message: bytes, name: str) -> bool:
        """Hand over one message; False when a message of that name was handed over before."""
        ...

    def receive(self, limit: int | None = None) -> Iterator[Incoming]:
        """Yield waiting incoming messages, oldest name first."""
        ...

    def acknowledge(self, name: str) -> None:
        """Take an incoming message away for good (after the database commit that applied it)."""
        ...

    def reject(self, name: str, reason: Bilingual) -> None:
        """Set an incoming message aside with its reason (dead letter); it is never dropped."""
        ...

    def census(self) -> list[FolderCensus]:
        """Return the count and oldest file of each folder."""
        ...


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FolderExchange:
    """The folder exchange of the E-port transfer client (the real gateway)."""

    def __init__(self, root: Path, *, probe: Probe | None = None) -> None:
        self.root = root
        self.probe = probe or _no_probe
        for folder in FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)

    @staticmethod
    def check_name(name: str) -> str:
        """Return `name` when it follows `<root element>_<guid>.xml`, else raise ValueError."""
        if not NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a message file name (<root element>_<guid>.xml)")
        return name

    def _write_atomically(self, folder: Path, name: str, data: bytes, step: str) -> None:
        tmp = folder / (name + ".tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        self.probe(f"{step}.tmp_written")
        os.replace(tmp, folder / name)
        _fsync_dir(folder)
        self.probe(f"{step}.renamed")

    def send(self, message: bytes, name: str) -> bool:
        """Write `message` to the outbox as `name`, atomically; idempotent by file name."""
        self.check_name(name)
        # Outbox first, then the archive: the simulator moves outbox → archive, so a file that is
        # in neither place at the moment of each look was never written.
        if (self.root / "outbox" / name).exists() or (self.root / "archive/outbox" / name).exists():
            return False
        self._write_atomically(self.root / "outbox", name, message, "send")
        return True

    def receive(self, limit: int | None = None) -> Iterator[Incoming]:
        """Yield finished inbox files in name order (`*.tmp` and hidden files are not finished)."""
        inbox = self.root / "inbox"
        names = sorted(
            e.name
            for e in os.scandir(inbox)
            if not e.name.endswith(".tmp") and not e.name.startswith(".")
        )
        if limit is not None:
            names = names[:limit]
        for name in names:
            path = inbox / name
            try:
                if not path.is_file():
                    yield Incoming(name, None, Bilingual("not a regular file", "不是普通文件"))
                    continue
                if path.stat().st_size > MAX_FILE_BYTES:
                    yield Incoming(
                        name,
                        None,
                        Bilingual(
                            f"the file is larger than {MAX_FILE_BYTES} bytes",
                            f"文件超过 {MAX_FILE_BYTES} 字节",
                        ),
                    )
                    continue
                data = path.read_bytes()
            except FileNotFoundError:
                continue  # taken away meanwhile by another run: nothing to do
            except OSError as exc:
                yield Incoming(name, None, Bilingual(f"cannot be read: {exc}", f"无法读取：{exc}"))
                continue
            yield Incoming(name, data)

    def _destination(self, name: str, target: Path) -> Path:
        destination = target / name
        if destination.exists():  # the same name twice: keep both, never overwrite
            destination = target / f"{name}.{uuid.uuid4().hex[:8]}"
        return destination

    def _move(self, name: str, destination: Path) -> None:
        source = self.root / "inbox" / name
        if not source.exists():
            return
        os.replace(source, destination)
        _fsync_dir(destination.parent)
        _fsync_dir(source.parent)

    def acknowledge(self, name: str) -> None:
        """Move an applied file to archive/inbox (a file already moved is left alone)."""
        self.probe("archive.before_move")
        self._move(name, self._destination(name, self.root / "archive/inbox"))

    def reject(self, name: str, reason: Bilingual) -> None:
        """Move a file to dead/ beside `<name>.reason.txt` (reason in English and Chinese).

        The reason is written first, so a dead letter is never without its reason.
        """
        if not (self.root / "inbox" / name).exists():
            return
        destination = self._destination(name, self.root / "dead")
        text = f"{reason.en}\n{reason.zh}\n".encode()
        self._write_atomically(destination.parent, destination.name + ".reason.txt", text, "dead")
        self._move(name, destination)

    def census(self) -> list[FolderCensus]:
        """Return the finished files of each folder (reason files in dead/ are not counted)."""
        out = []
        for folder in FOLDERS:
            mtimes = [
                e.stat().st_mtime
                for e in os.scandir(self.root / folder)
                if e.is_file()
                and not e.name.endswith((".tmp", ".reason.txt"))
                and not e.name.startswith(".")
            ]
            out.append(FolderCensus(folder, len(mtimes), min(mtimes) if mtimes else None))
        return out
