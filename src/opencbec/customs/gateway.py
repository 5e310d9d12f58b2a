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
from collections.abc import Callable, Iterable, Iterator, Sequence
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

    def send_many(self, messages: Sequence[tuple[bytes, str]]) -> list[bool | Exception]:
        """Hand over messages, each as `send` would; a failed one gives its exception instead.

        Every message reported handed over (True or False) is durable when this returns.
        """
        ...

    def receive(self, limit: int | None = None) -> Iterator[Incoming]:
        """Yield waiting incoming messages, oldest name first."""
        ...

    def acknowledge(self, name: str) -> None:
        """Take an incoming message away for good (after the database commit that applied it)."""
        ...

    def acknowledge_many(self, names: Iterable[str]) -> None:
        """Take incoming messages away for good, as `acknowledge` does for one."""
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

    def _write_atomically(
        self, folder: Path, name: str, data: bytes, step: str, *, sync_folder: bool = True
    ) -> None:
        # The file's bytes reach the disk before its name does; the folder's entry is made
        # durable here or, for a batch, once by the caller after the last rename.
        tmp = folder / (name + ".tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        self.probe(f"{step}.tmp_written")
        os.replace(tmp, folder / name)
        if sync_folder:
            _fsync_dir(folder)
        self.probe(f"{step}.renamed")

    def send(self, message: bytes, name: str) -> bool:
        """Write `message` to the outbox as `name`, atomically; idempotent by file name."""
        outcome = self.send_many([(message, name)])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def send_many(self, messages: Sequence[tuple[bytes, str]]) -> list[bool | Exception]:
        """Write each message to the outbox as `send` does, the outbox folder fsync'ed once.

        Each file is fsync'ed before its rename; the one folder fsync after the last rename
        makes every name durable before any is reported written (the caller records them only
        then). A failed folder fsync fails the whole batch: each is tried again later.
        """
        outbox, archive = self.root / "outbox", self.root / "archive/outbox"
        outcomes: list[bool | Exception] = []
        for message, name in messages:
            try:
                self.check_name(name)
                # Outbox first, then the archive: the simulator moves outbox → archive, so a
                # file that is in neither place at the moment of each look was never written.
                if (outbox / name).exists() or (archive / name).exists():
                    outcomes.append(False)
                    continue
                self._write_atomically(outbox, name, message, "send", sync_folder=False)
                outcomes.append(True)
            except (OSError, ValueError) as exc:
                outcomes.append(exc)
        if messages:
            # Also for names found already there: a run that crashed after the rename may not
            # have made the folder durable.
            try:
                _fsync_dir(outbox)
            except OSError as exc:
                return [o if isinstance(o, Exception) else exc for o in outcomes]
            self.probe("send.synced")
        return outcomes

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

    def _move(self, name: str, destination: Path, *, sync_folders: bool = True) -> bool:
        source = self.root / "inbox" / name
        if not source.exists():
            return False
        os.replace(source, destination)
        if sync_folders:
            _fsync_dir(destination.parent)
            _fsync_dir(source.parent)
        return True

    def acknowledge(self, name: str) -> None:
        """Move an applied file to archive/inbox (a file already moved is left alone)."""
        self.acknowledge_many([name])

    def acknowledge_many(self, names: Iterable[str]) -> None:
        """Move applied files to archive/inbox, the two folders fsync'ed once at the end.

        A move the disk loses in a crash only puts an applied file back in the inbox, which
        the next run recognises by its name and moves again without applying it.
        """
        archive = self.root / "archive/inbox"
        moved = False
        for name in names:
            self.probe("archive.before_move")
            moved |= self._move(name, self._destination(name, archive), sync_folders=False)
        if moved:
            _fsync_dir(archive)
            _fsync_dir(self.root / "inbox")

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
