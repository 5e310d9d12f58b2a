"""The folder exchange: atomic, idempotent writes; inbox read in name order; nothing dropped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opencbec.customs import gateway
from opencbec.customs.gateway import MAX_FILE_BYTES, FolderExchange
from opencbec.kit.i18n import Bilingual

NAME = "CEB621Message_0F1E2D3C-0000-4000-8000-000000000001.xml"


@pytest.fixture
def exchange(tmp_path: Path) -> FolderExchange:
    return FolderExchange(tmp_path / "exchange")


def test_the_contract_folders_are_made(exchange: FolderExchange) -> None:
    for folder in ("outbox", "inbox", "archive/outbox", "archive/inbox", "dead"):
        assert (exchange.root / folder).is_dir()


def test_send_writes_through_a_tmp_file_and_fsyncs_in_order(tmp_path: Path) -> None:
    seen: list[tuple[str, list[str]]] = []
    outbox = tmp_path / "x" / "outbox"
    exchange = FolderExchange(
        tmp_path / "x", probe=lambda p: seen.append((p, sorted(os.listdir(outbox))))
    )
    assert exchange.send(b"<a/>", NAME)
    assert seen == [
        ("send.tmp_written", [NAME + ".tmp"]),
        ("send.renamed", [NAME]),
        ("send.synced", [NAME]),
    ]
    assert (outbox / NAME).read_bytes() == b"<a/>"


def _names(n: int) -> list[str]:
    return [f"CEB621Message_0F1E2D3C-0000-4000-8000-00000000000{i}.xml" for i in range(1, n + 1)]


def test_a_batch_is_made_durable_by_one_outbox_fsync_after_its_last_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    exchange = FolderExchange(tmp_path / "x", probe=steps.append)
    monkeypatch.setattr(gateway, "_fsync_dir", lambda folder: steps.append(f"fsync {folder.name}"))
    first, second, third = _names(3)
    assert exchange.send(b"before", second)
    steps.clear()
    outcomes = exchange.send_many([(b"1", first), (b"2", second), (b"3", third), (b"x", "bad")])
    assert outcomes[:3] == [True, False, True]
    assert isinstance(outcomes[3], ValueError)
    assert steps == [
        "send.tmp_written",
        "send.renamed",
        "send.tmp_written",
        "send.renamed",
        "fsync outbox",
        "send.synced",
    ]
    assert exchange.send_many([]) == []
    assert steps[-1] == "send.synced"  # nothing to write: no fsync


def test_a_batch_whose_outbox_fsync_fails_is_reported_failed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exchange = FolderExchange(tmp_path / "x")
    first, second = _names(2)

    def broken(folder: Path) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(gateway, "_fsync_dir", broken)
    outcomes = exchange.send_many([(b"1", first), (b"2", second)])
    assert [type(o) for o in outcomes] == [OSError, OSError]  # none recorded as written
    monkeypatch.undo()
    assert exchange.send_many([(b"1", first), (b"2", second)]) == [False, False]


def test_send_is_idempotent_by_file_name_in_the_outbox_and_its_archive(
    exchange: FolderExchange,
) -> None:
    assert exchange.send(b"first", NAME)
    assert not exchange.send(b"second", NAME)
    assert (exchange.root / "outbox" / NAME).read_bytes() == b"first"
    os.replace(exchange.root / "outbox" / NAME, exchange.root / "archive/outbox" / NAME)
    assert not exchange.send(b"third", NAME)  # customs took it already
    assert not (exchange.root / "outbox" / NAME).exists()


def test_a_leftover_tmp_file_from_a_crash_is_overwritten(exchange: FolderExchange) -> None:
    (exchange.root / "outbox" / (NAME + ".tmp")).write_bytes(b"half")
    assert exchange.send(b"whole", NAME)
    assert os.listdir(exchange.root / "outbox") == [NAME]
    assert (exchange.root / "outbox" / NAME).read_bytes() == b"whole"


@pytest.mark.parametrize(
    "name",
    [
        "../CEB621Message_x.xml",
        "CEB621Message_x.xml/../../etc",
        "noguid.xml",
        "a_b.txt",
        "",
        "A_" + "b" * 65 + ".xml",
    ],
)
def test_names_outside_the_contract_are_refused(exchange: FolderExchange, name: str) -> None:
    with pytest.raises(ValueError, match="not a message file name"):
        exchange.send(b"x", name)


def test_receive_reads_finished_files_in_name_order(exchange: FolderExchange) -> None:
    inbox = exchange.root / "inbox"
    for name in (
        "CEB622Message_B.xml",
        "CEB312Message_A.xml",
        "CEB622Message_C.xml.tmp",
        ".hidden",
    ):
        (inbox / name).write_bytes(name.encode())
    (inbox / "adir").mkdir()
    got = list(exchange.receive())
    assert [i.name for i in got] == ["CEB312Message_A.xml", "CEB622Message_B.xml", "adir"]
    assert got[0].data == b"CEB312Message_A.xml"
    assert got[2].data is None
    assert got[2].problem is not None
    assert got[2].problem.en == "not a regular file"
    assert [i.name for i in exchange.receive(limit=1)] == ["CEB312Message_A.xml"]


def test_an_oversized_or_unreadable_file_is_reported_not_read(exchange: FolderExchange) -> None:
    big = exchange.root / "inbox" / "CEB622Message_BIG.xml"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    (incoming,) = exchange.receive()
    assert incoming.data is None
    assert incoming.problem is not None
    assert "larger than" in incoming.problem.en
    big.unlink()
    locked = exchange.root / "inbox" / "CEB622Message_LOCKED.xml"
    locked.write_bytes(b"x")
    locked.chmod(0)
    try:
        if os.geteuid() == 0:  # root reads anything: the permission fault cannot be made here
            assert next(exchange.receive()).data == b"x"
        else:  # pragma: no cover - depends on the user running the tests
            assert "cannot be read" in next(exchange.receive()).problem.en  # type: ignore[union-attr]
    finally:
        locked.chmod(0o600)


def test_acknowledge_archives_once_and_keeps_a_second_file_of_the_same_name(
    exchange: FolderExchange,
) -> None:
    inbox, archive = exchange.root / "inbox", exchange.root / "archive/inbox"
    (inbox / NAME).write_bytes(b"one")
    exchange.acknowledge(NAME)
    exchange.acknowledge(NAME)  # already moved: nothing happens
    assert os.listdir(inbox) == []
    (inbox / NAME).write_bytes(b"two")
    exchange.acknowledge(NAME)
    kept = sorted(p.read_bytes() for p in archive.iterdir())
    assert kept == [b"one", b"two"]


def test_acknowledging_a_batch_fsyncs_each_folder_once_after_the_moves(
    exchange: FolderExchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    exchange.probe = steps.append
    monkeypatch.setattr(
        gateway,
        "_fsync_dir",
        lambda folder: steps.append(f"fsync {folder.relative_to(exchange.root).as_posix()}"),
    )
    names = _names(3)
    for name in names:
        (exchange.root / "inbox" / name).write_bytes(b"r")
    exchange.acknowledge_many([*names, "CEB622Message_GONE.xml"])
    assert steps == ["archive.before_move"] * 4 + ["fsync archive/inbox", "fsync inbox"]
    assert sorted(os.listdir(exchange.root / "archive/inbox")) == names
    steps.clear()
    exchange.acknowledge_many(names)  # all moved before: nothing to make durable
    assert steps == ["archive.before_move"] * 3


def test_reject_writes_the_reason_first_then_moves_the_file(tmp_path: Path) -> None:
    order: list[tuple[str, list[str]]] = []
    exchange = FolderExchange(tmp_path / "x")
    dead = tmp_path / "x" / "dead"
    exchange.probe = lambda p: order.append((p, sorted(os.listdir(dead))))
    (tmp_path / "x" / "inbox" / NAME).write_bytes(b"<broken")
    exchange.reject(NAME, Bilingual("not XML", "不是 XML"))
    assert order[-1] == ("dead.renamed", [NAME + ".reason.txt"])  # the file follows its reason
    assert (dead / NAME).read_bytes() == b"<broken"
    assert (dead / (NAME + ".reason.txt")).read_text() == "not XML\n不是 XML\n"
    exchange.reject(NAME, Bilingual("gone", "无"))  # nothing left to reject
    (tmp_path / "x" / "inbox" / NAME).write_bytes(b"again")
    exchange.reject(NAME, Bilingual("twice", "两次"))
    assert len([p for p in os.listdir(dead) if p.endswith(".reason.txt")]) == 2


def test_census_counts_finished_files_and_the_oldest(exchange: FolderExchange) -> None:
    (exchange.root / "outbox" / NAME).write_bytes(b"x")
    os.utime(exchange.root / "outbox" / NAME, (1000, 1000))
    (exchange.root / "outbox" / "b.xml").write_bytes(b"x")
    (exchange.root / "outbox" / "c.xml.tmp").write_bytes(b"x")
    (exchange.root / "dead" / "d.xml.reason.txt").write_bytes(b"x")
    by_folder = {c.folder: c for c in exchange.census()}
    assert by_folder["outbox"].files == 2
    assert by_folder["outbox"].oldest_mtime == 1000
    assert by_folder["dead"].files == 0
    assert by_folder["dead"].oldest_mtime is None
