"""`opencbec customs-sim`: run the customs simulator over an exchange folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from opencbec.settings import Settings
from opencbec.simulator.service import Config, Simulator

console = Console()
app = typer.Typer(
    help="Customs simulator (海关模拟器): answers the exchange outbox with CEB receipts",
    invoke_without_command=True,
)


@app.callback()
def customs_sim(
    exchange: Annotated[
        Path | None,
        typer.Option(help="Exchange root with outbox/ and inbox/ (default <var_dir>/exchange)"),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed: same messages + seed → same receipts")] = 0,
    delay_seconds: Annotated[
        float, typer.Option(min=0, help="Seconds between two statuses of a document")
    ] = 0.0,
    review_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of inventories sent to manual review (300)")
    ] = 0.0,
    inspection_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of import inventories inspected (500)")
    ] = 0.0,
    xsd_dir: Annotated[
        Path | None, typer.Option(help="Official 2022-05 XSD folder to check messages against")
    ] = None,
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between passes")] = 1.0,
    once: Annotated[bool, typer.Option(help="One pass, then exit")] = False,
) -> None:
    """Answer the outbox like customs would (a SIMULATOR, not customs); Ctrl+C stops it."""
    root = exchange or Settings().var_dir / "exchange"
    config = Config(
        seed=seed,
        delay_seconds=delay_seconds,
        review_rate=review_rate,
        inspection_rate=inspection_rate,
        xsd_dir=xsd_dir,
    )
    sim = Simulator(root, config=config)
    sim.state.set_config(config.as_strings())
    console.print(f"海关模拟器 / customs simulator on {root} (seed {seed})")
    try:
        while True:
            report = sim.run_once()
            if report.received or report.written:
                console.print(
                    f"received {report.received} (format faults {report.format_faults}), "
                    f"receipts written {report.written}"
                )
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        console.print("stopped / 已停止")
    finally:
        sim.close()
