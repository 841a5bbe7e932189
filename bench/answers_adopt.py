"""Writing a fit's models and thresholds into the code (`bench/bench_answers.py --fit --adopt`), so that a refit is one
command: the weights of `ANSWER_MODEL` and `CHOICE_MODEL` in policies/confidence.py, the defaults of `Thresholds` in
bot/core/tenants.py. Each is found by its line; a line not found once stops it with nothing written."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.config import Thresholds
from policies.confidence import LogisticModel

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "policies" / "confidence.py"
DEFAULTS = ROOT / "bot" / "core" / "tenants.py"
ADOPTED = ("min_confidence", "min_choice_confidence", "clarify_gap", "min_split_confidence")


def _once(pattern: str, new: str, text: str, where: Path) -> str:
    out, n = re.subn(pattern, new, text, flags=re.MULTILINE)
    if n != 1:
        raise SystemExit(f"{where}: {pattern!r} found {n} times, not once; nothing written")
    return out


def adopt(answer: LogisticModel, choice: LogisticModel, thresholds: Thresholds, *, models_file: Path = MODELS, defaults_file: Path = DEFAULTS) -> None:
    models = models_file.read_text()
    for name, model in (("ANSWER_MODEL", answer), ("CHOICE_MODEL", choice)):
        weights = ", ".join(str(w) for w in model.weights)
        models = _once(rf"^{name} = LogisticModel\(.*\)$", f"{name} = LogisticModel(bias={model.bias}, weights=({weights}))", models, models_file)
    defaults = defaults_file.read_text()
    for name in ADOPTED:
        defaults = _once(rf"^(    {name}: float = )[0-9.]+$", rf"\g<1>{getattr(thresholds, name)}", defaults, defaults_file)
    models_file.write_text(models)
    defaults_file.write_text(defaults)
