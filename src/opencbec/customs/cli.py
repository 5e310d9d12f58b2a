"""`opencbec link`: run the customs link (write the outbox, apply the inbox) from the command line."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from opencbec.clikit import console, load_settings, open_database
from opencbec.customs import jobs, service

app = typer.Typer(help="Customs link / 海关通道", no_args_is_help=True)


def _say(run: jobs.LinkRun) -> None:
    console.print(
        f"written {run.written} (already there {run.already}), failed {run.failed}, "
        f"applied {run.applied}, dead letters {run.dead} / 写出 {run.written}，失败 {run.failed}，"
        f"已处理回执 {run.applied}，死信 {run.dead}"
    )


@app.command("once")
def once() -> None:
    """Write due outbox messages and apply inbox files once, then exit."""
    settings = load_settings()
    with open_database(settings) as database:
        _say(jobs.link_once(database, gateway=service.gateway_for(settings)))
    console.print(f"exchange folders: {service.exchange_root(settings).resolve()}")


@app.command("run")
def run(
    interval: Annotated[
        float | None,
        typer.Option(help="Seconds between runs (default OPENCBEC_LINK_INTERVAL_SECONDS)"),
    ] = None,
    runs: Annotated[
        int | None, typer.Option(help="Stop after this many runs (default: never)")
    ] = None,
) -> None:
    """Run the link in the foreground until interrupted (Ctrl-C)."""
    settings = load_settings()
    pause = interval if interval is not None else settings.link_interval_seconds
    gateway = service.gateway_for(settings)
    console.print(
        f"customs link on {service.exchange_root(settings).resolve()} every {pause:g} s "
        "(Ctrl-C stops) / 海关通道运行中"
    )
    done = 0
    with open_database(settings) as database:
        try:
            while runs is None or done < runs:
                result = jobs.link_once(database, gateway=gateway)
                if result:
                    _say(result)
                done += 1
                if runs is None or done < runs:
                    time.sleep(pause)
        except KeyboardInterrupt:
            console.print("stopped / 已停止")
