"""The folder exchange as the simulator sees it: read the outbox, write receipts to the inbox.

Folder contract (issue #6): `outbox/` (platform → customs), `inbox/` (customs → platform),
`archive/outbox/`, `archive/inbox/`, `dead/`. A file is `<root element>_<guid>.xml`, written as
`<name>.tmp`, fsync'ed and renamed; readers ignore `*.tmp`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

FOLDERS: Final = ("outbox", "inbox", "archive/outbox", "archive/inbox", "dead")


@dataclass(frozen=True, slots=True)
class Exchange:
    """The exchange root and its folders."""

    root: Path

    @property
    def outbox(self) -> Path:
        """Return the folder the platform writes to."""
        return self.root / "outbox"

    @property
    def inbox(self) -> Path:
        """Return the folder customs (the simulator) writes to."""
        return self.root / "inbox"

    @property
    def archive(self) -> Path:
        """Return the folder consumed outbox files are moved to."""
        return self.root / "archive" / "outbox"

    def ensure(self) -> None:
        """Create every folder of the contract."""
        for name in FOLDERS:
            (self.root / name).mkdir(parents=True, exist_ok=True)

    def waiting(self) -> list[Path]:
        """Return the outbox files ready to read, by name (temporary and hidden files skipped)."""
        if not self.outbox.is_dir():
            return []
        return sorted(
            p
            for p in self.outbox.iterdir()
            if p.is_file() and not p.name.endswith(".tmp") and not p.name.startswith(".")
        )

    def write_inbox(self, receipts: list[tuple[str, bytes]]) -> None:
        """Write receipts atomically: each `<name>.tmp` fsync'ed and renamed, then the folder
        fsync'ed once for the batch."""
        write_atomic(self.inbox, receipts)

    def consume(self, path: Path) -> Path:
        """Move an answered outbox file to the archive (a name already there gets a suffix)."""
        self.archive.mkdir(parents=True, exist_ok=True)
        target = self.archive / path.name
        n = 1
        while target.exists():
            target = self.archive / f"{path.stem}.{n}{path.suffix}"
            n += 1
        os.replace(path, target)
        return target


def write_atomic(folder: Path, files: list[tuple[str, bytes]]) -> None:
    """Write each (name, data) to `folder` so a reader never sees a partial file."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        tmp = folder / (name + ".tmp")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, folder / name)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
