"""Assemble BENCHMARKS.md from the per-topic result files in benchmarks/results/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
ORDER = ["gelegenheid", "gelegenheid_engine", "land", "risico", "simulatie", "tiles",
         "tegels_last", "overzicht",
         "plan", "actiedag",
         "maps",
         "lagen", "demo"]


def assemble() -> str:
    """BENCHMARKS.md's text from ``summary.md`` and ``results/*.md`` (in ``ORDER``)."""
    head = (ROOT / "summary.md").read_text(encoding="utf-8")
    parts = [head.rstrip() + "\n"]
    for name in ORDER:
        text = (ROOT / "results" / f"{name}.md").read_text(encoding="utf-8")
        demoted = "\n".join("#" + line if line.startswith("#") else line
                            for line in text.splitlines())
        parts.append(demoted.rstrip() + "\n")
    return "\n".join(parts)


def main() -> None:
    (ROOT.parent / "BENCHMARKS.md").write_text(assemble(), encoding="utf-8")


if __name__ == "__main__":
    main()
