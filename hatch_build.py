"""Hatchling build hook: compile the CEB reader's C extension (`_fastxml.c`) in place.

Editable installs (`uv sync`) import it from src/; wheels carry it and get a platform tag.
Without a working C compiler the build goes on and the codec uses lxml alone, unless
OPENCBEC_REQUIRE_SPEEDUPS is set (CI), where a failed compile fails the build.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGE = Path("src/opencbec/messages/ceb")
SOURCE = PACKAGE / "_fastxml.c"
FLAGS = ["-O2", "-fPIC", "-shared", "-std=c99", "-Wall", "-fno-strict-aliasing"]


def compile_extension(root: Path) -> Path:
    """Compile `_fastxml.c` next to itself for this interpreter; return the module's path."""
    source = root / SOURCE
    target = source.with_name("_fastxml" + str(sysconfig.get_config_var("EXT_SUFFIX")))
    compiler = shlex.split(str(sysconfig.get_config_var("CC") or "cc"))
    include = sysconfig.get_paths()["include"]
    # Built beside the target and renamed over it: a running process keeps its loaded copy.
    handle, temporary = tempfile.mkstemp(suffix=".so", dir=target.parent)
    os.close(handle)
    try:
        subprocess.run(  # noqa: S603 - the interpreter's own compiler, on our own source
            [*compiler, *FLAGS, f"-I{include}", str(source), "-o", temporary],
            check=True,
            capture_output=True,
            text=True,
        )
        os.chmod(temporary, 0o755)  # noqa: S103 - a shared library others read and map
        Path(temporary).replace(target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target


class SpeedupsHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile the extension for wheel and editable builds."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        try:
            target = compile_extension(Path(self.root))
        except (OSError, subprocess.CalledProcessError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            if os.environ.get("OPENCBEC_REQUIRE_SPEEDUPS", "") not in ("", "0"):
                raise RuntimeError(f"cannot compile {SOURCE}: {detail}") from exc
            print(f"warning: {SOURCE} not compiled, lxml alone is used: {detail}", file=sys.stderr)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":
            build_data["force_include"][str(target)] = str(
                target.relative_to(Path(self.root) / "src")
            )
