"""Dataset statistics: PNG plots of difficulty, rule usage and expression size, and a Markdown
summary linking them, so a dataset can be judged at a glance. Needs the `plots` extra.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rpsdg_formal.dataset.artifact_rates import Rate, artifact_rates, rates_markdown
from rpsdg_formal.dataset.curriculum import read_dataset, write_text_atomic
from rpsdg_formal.errors import ConfigError, OutputError
from rpsdg_formal.terms.artifacts import PATTERNS

if TYPE_CHECKING:
    from matplotlib.figure import Figure  # type: ignore[import-not-found, unused-ignore]

TOP_RULES = 10


@dataclass(frozen=True)
class Columns:
    """The per-theorem numbers the plots and the summary are drawn from."""

    lower_bound: tuple[int, ...]
    proof_length: tuple[int, ...]
    start_size: tuple[int, ...]
    end_size: tuple[int, ...]
    rule_usage: tuple[tuple[str, int], ...]
    theories: tuple[str, ...]
    seeds: tuple[int, ...]
    with_alternatives: int


def columns(records: Sequence[dict[str, Any]]) -> Columns:
    """Pull the plotted fields out of checked records (see `curriculum.record_problem`)."""
    usage = Counter(rule for r in records for rule in set(r["rules_used"]))
    return Columns(
        lower_bound=tuple(r["min_length_lower_bound"] for r in records),
        proof_length=tuple(r["proof_length"] for r in records),
        start_size=tuple(r["measures"]["start_size"] for r in records),
        end_size=tuple(r["measures"]["end_size"] for r in records),
        rule_usage=tuple(sorted(usage.items(), key=lambda item: (-item[1], item[0]))),
        theories=tuple(sorted({r["theory"] for r in records})),
        seeds=tuple(sorted({r["seed"] for r in records})),
        with_alternatives=sum(1 for r in records if r.get("proofs")),
    )


def _int_bins(*series: Sequence[int]) -> list[float]:
    """Histogram bin edges centred on every integer the series span."""
    low = min(min(s) for s in series)
    high = max(max(s) for s in series)
    return [v - 0.5 for v in range(low, high + 2)]


def _integer_ticks(axes: Any, y: bool = True) -> None:
    """Tick marks on whole numbers only (every plotted quantity is a count or a length)."""
    from matplotlib.ticker import MaxNLocator  # type: ignore[import-not-found, unused-ignore]

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if y:
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))


def _difficulty(figure: Figure, data: Columns) -> None:
    """Histograms of the lower bound and the proof length, side by side."""
    for axes, values, title in zip(
        figure.subplots(1, 2, sharey=True),
        (data.lower_bound, data.proof_length),
        ("minimum-length lower bound", "proof length"),
        strict=True,
    ):
        axes.hist(values, bins=_int_bins(values), edgecolor="black")
        axes.set_title(title)
        axes.set_xlabel("steps")
        _integer_ticks(axes)
    figure.axes[0].set_ylabel("theorems")


def _length_vs_bound(figure: Figure, data: Columns) -> None:
    """Proof length against the lower bound, dot area by count, with the optimal line y = x."""
    axes = figure.subplots()
    counts = Counter(zip(data.lower_bound, data.proof_length, strict=True))
    xs, ys = zip(*counts, strict=True)
    most = max(counts.values())
    axes.scatter(xs, ys, s=[40 + 460 * n / most for n in counts.values()], alpha=0.6)
    for (x, y), n in counts.items():
        axes.annotate(str(n), (x, y), ha="center", va="center", fontsize=7)
    top = max(*data.lower_bound, *data.proof_length) + 1
    axes.plot([0, top], [0, top], color="gray", linestyle="--", label="proof length = bound")
    axes.set_xlabel("minimum-length lower bound")
    axes.set_ylabel("proof length")
    axes.legend(loc="upper left")
    _integer_ticks(axes)


def _rule_usage(figure: Figure, data: Columns) -> None:
    """Horizontal bars: how many theorems use each rule, most used at the top."""
    axes = figure.subplots()
    names = [name for name, _ in data.rule_usage]
    axes.barh(names, [n for _, n in data.rule_usage])
    axes.invert_yaxis()
    axes.set_xlabel("theorems using the rule")
    _integer_ticks(axes, y=False)


def _expression_size(figure: Figure, data: Columns) -> None:
    """Overlaid histograms of the start and end expression sizes."""
    axes = figure.subplots()
    bins = _int_bins(data.start_size, data.end_size)
    axes.hist(data.start_size, bins=bins, alpha=0.6, label="start")
    axes.hist(data.end_size, bins=bins, alpha=0.6, label="end")
    axes.set_xlabel("expression size (nodes)")
    axes.set_ylabel("theorems")
    axes.legend()
    _integer_ticks(axes)


def _mean_min_max(values: Sequence[int]) -> str:
    """`mean 3.25, min 1, max 7`."""
    return f"mean {sum(values) / len(values):.2f}, min {min(values)}, max {max(values)}"


def artifacts_markdown(rates: Sequence[Rate]) -> list[str]:
    """The artifact section of the summary: the rates, then what each kind matches."""
    return [
        "## Artifacts (what no textbook prints)",
        "",
        "Share of the problems, answers or statements showing each kind at least once.",
        "",
        *rates_markdown(rates),
        "",
        *(f"- `{kind}`: {pattern}" for kind, pattern in PATTERNS.items()),
        "- `constant-term`: a term of an antiderivative free of x (absorbed in + C)",
        "",
    ]


def summary_markdown(
    data: Columns, source: Path, images: Sequence[str], rates: Sequence[Rate] = ()
) -> str:
    """The Markdown summary of a dataset, linking the plot files by name."""
    count = len(data.proof_length)
    optimal = sum(1 for b, n in zip(data.lower_bound, data.proof_length, strict=True) if n == b)
    top = data.rule_usage[:TOP_RULES]
    lines = [
        f"# Dataset statistics: {source}",
        "",
        f"- theorems: {count}",
        f"- theories: {', '.join(data.theories)}",
        f"- seeds: {', '.join(str(s) for s in data.seeds)}",
        f"- proof length: {_mean_min_max(data.proof_length)}",
        f"- minimum-length lower bound: {_mean_min_max(data.lower_bound)}",
        f"- proven optimal within the search (proof length = lower bound): "
        f"{optimal}/{count} ({100 * optimal / count:.1f}%)",
        f"- theorems with alternative proofs: {data.with_alternatives}",
        f"- distinct rules used: {len(data.rule_usage)}",
        "",
        f"## Top {len(top)} rules",
        "",
        "| rule | theorems |",
        "| --- | --- |",
        *(f"| `{name}` | {n} |" for name, n in top),
        "",
        *(artifacts_markdown(rates) if rates else []),
        "## Plots",
        "",
        *(f"![{Path(name).stem}]({name})" for name in images),
        "",
    ]
    return "\n".join(lines)


def write_stats(dataset_dir: Path, out: Path) -> list[Path]:
    """Write the four PNG plots and `summary.md` for `dataset_dir` into `out`; return the paths."""
    try:
        import matplotlib  # type: ignore[import-not-found, unused-ignore]
    except ImportError as err:
        raise ConfigError(
            "plots need matplotlib, which is not installed: pip install 'rpsdg-formal[plots]'"
        ) from err
    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # type: ignore[import-not-found, unused-ignore]

    source = dataset_dir / "theorems.jsonl"
    records = read_dataset(dataset_dir)
    if not records:
        raise ConfigError(f"{source} holds no theorems: nothing to plot")
    data = columns(records)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out}: {err.strerror or err}") from err
    rule_height = max(3.0, 0.25 * len(data.rule_usage) + 1.0)
    plots = (
        ("difficulty.png", _difficulty, (10.0, 4.0)),
        ("length_vs_bound.png", _length_vs_bound, (6.0, 6.0)),
        ("rule_usage.png", _rule_usage, (8.0, rule_height)),
        ("expression_size.png", _expression_size, (7.0, 4.0)),
    )
    written: list[Path] = []
    for name, draw, size in plots:
        figure = Figure(figsize=size, layout="constrained")
        draw(figure, data)
        path = out / name
        try:
            figure.savefig(path, dpi=100, format="png")
        except OSError as err:
            raise OutputError(f"cannot write {path}: {err.strerror or err}") from err
        written.append(path)
    summary = out / "summary.md"
    images = [name for name, _, _ in plots]
    write_text_atomic(summary, summary_markdown(data, source, images, artifact_rates(records)))
    written.append(summary)
    return written
