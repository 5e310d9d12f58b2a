"""The committed models are exactly what the generator makes from the official XSDs."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencbec.messages.ceb import generate

MODELS = Path(generate.__file__).parent / "models"


def test_committed_models_match_the_schemas(xsd_dir: Path) -> None:
    produced = generate.generate(xsd_dir)
    committed = {path.name: path.read_text(encoding="utf-8") for path in MODELS.glob("*.py")}
    assert sorted(produced) == sorted(committed)
    stale = [name for name, text in produced.items() if committed[name] != text]
    assert stale == [], f"regenerate: python -m opencbec.messages.ceb.generate {xsd_dir}"


def test_main_writes_the_modules(xsd_dir: Path, tmp_path: Path) -> None:
    assert generate.main([str(xsd_dir), str(tmp_path)]) == 0
    assert (tmp_path / "imp_order.py").read_text(encoding="utf-8") == (
        MODELS / "imp_order.py"
    ).read_text(encoding="utf-8")


def test_main_without_arguments_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main([]) == 2
    assert "usage" in capsys.readouterr().err


def test_snake_case_names() -> None:
    assert generate._snake("OrderHead") == "order_head"
    assert generate._snake("ExtendMessage") == "extend_message"
    assert generate._snake("Import") == "import_"
