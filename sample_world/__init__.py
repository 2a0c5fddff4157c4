"""Sample world generator: township registers with realistic mess, plus the truth.

`generate_samples` simulates a county (persons, dispute cases, petition events), renders
the monthly registers each township would send (xlsx, xls, CSV; titles, two-row headers,
synonyms, every date and ID form, injected errors and warnings, a resubmission, broken
files) into `out_dir/inbox/`, and writes what the warehouse must recover into
`out_dir/truth/` (docs/contracts.md, "Sample world output"). Same seed, same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from sample_world.broken import broken_files
from sample_world.layout.habits import township_style
from sample_world.layout.specs import FileSpec
from sample_world.layout.style import Style
from sample_world.render.listings import listings
from sample_world.render.plan import plan_warnings
from sample_world.render.register import build_register
from sample_world.render.rows import Renderer
from sample_world.truth import write_figures
from sample_world.truth.lineage import Lineage
from sample_world.world import build_world
from sample_world.world.model import TownshipInfo, World
from sample_world.world.reference import CountyRef
from sample_world.writers import file_bytes, mtime_for, write

__all__ = ["generate_samples"]


def _resubmission_target(
    world: World, styles: dict[tuple[str, str], Style]
) -> tuple[TownshipInfo, int] | None:
    """The township-month whose dispute register is sent twice (first with errors)."""
    if world.months < 3:
        return None
    for t in world.townships:
        s = styles[t.code, "dispute"]
        if s.fmt == "xlsx" and not s.quarterly:
            return t, world.months // 2
    return None


def generate_samples(
    out_dir: Path,
    *,
    seed: int = 7,
    months: int = 24,
    start: str = "2024-01",
    townships: list[str] | None = None,
    mess: bool = True,
    county: CountyRef | None = None,
) -> dict:
    """Generate the sample world into `out_dir` and return a summary.

    `townships` takes names, aliases or codes (default: all). `mess=False` renders clean
    registers only (no injected errors, resubmission or broken files); warnings that are
    facts of the world (unknown category, resolved without date, group visits) remain.
    `county` is the county to simulate (default the deployed one, pipelines/reference);
    province mode (`sample_world.province.generate_province`) passes one per county.
    """
    out_dir = Path(out_dir)
    inbox, truth = out_dir / "inbox", out_dir / "truth"
    world = build_world(seed=seed, start=start, months=months, townships=townships, county=county)
    styles = {
        (t.code, template): township_style(
            seed,
            t.index,
            t.code,
            template,
            t.has_case_no if template == "dispute" else t.has_petition_no,
            links=t.has_case_no,
            petition_columns=(
                t.has_petition_no if t.dispute_petitions and template == "dispute" else None
            ),
        )
        for t in world.townships
        for template in ("dispute", "petition")
    }
    lists = listings(world)
    plan = plan_warnings(world, lists, styles, seed)
    if not mess:
        plan.id_mode.clear()
        plan.phone_missing.clear()
    renderer = Renderer(world, plan)

    lineage = Lineage()

    def emit(spec: FileSpec, status: str = "loaded") -> None:
        data = file_bytes(spec)
        write(inbox, spec.path, data, mtime_for(spec.report_date, spec.mtime_shift_hours))
        lineage.register(spec, status)

    resub = _resubmission_target(world, styles) if mess else None
    for t in world.townships:
        for template in ("dispute", "petition"):
            style = styles[t.code, template]
            chunks = (
                [list(range(i, min(i + 3, months))) for i in range(0, months, 3)]
                if style.quarterly
                else [[k] for k in range(months)]
            )
            for ks in chunks:
                noise = None if mess else 0
                if resub and resub == (t, ks[0]) and template == "dispute":
                    early = build_register(
                        world, t, style, template, ks, lists, renderer, noise=3, variant=":first"
                    )
                    early.report_date = early.report_date.replace(day=1)
                    emit(early, "superseded")
                    spec = build_register(
                        world,
                        t,
                        style,
                        template,
                        ks,
                        lists,
                        renderer,
                        noise=0,
                        report_shift=6,
                        suffix="（更正）",
                    )
                else:
                    spec = build_register(
                        world, t, style, template, ks, lists, renderer, noise=noise
                    )
                emit(spec)

    if mess:
        for b in broken_files(world, styles, renderer.noise):
            write(inbox, b.path, b.data, mtime_for(b.report_date))
            lineage.rejected(b)

    lineage.write(truth)
    counts = write_figures(truth, world)
    summary = {
        "seed": seed,
        "start": world.start.isoformat(),
        "months": months,
        "as_of": world.as_of.isoformat(),
        "townships": [t.code for t in world.townships],
        "counts": {
            "files": len(lineage.files),
            "data_rows": len(lineage.rows),
            "staged_rows": sum(r["expected"] == "staged" for r in lineage.rows),
            "quarantined_rows": sum(r["expected"] == "quarantined" for r in lineage.rows),
            "issues": len(lineage.issues),
            "persons": len(world.persons),
            "cases": len(world.cases),
            "petition_events": len(world.events),
            **{f"truth_{k}": v for k, v in counts.items()},
        },
    }
    truth.mkdir(parents=True, exist_ok=True)
    (truth / "meta.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return summary | {"out_dir": str(out_dir)}
