"""docs/grafana-dashboard.json queries only metrics that /metrics serves (bot/app/metrics.py), so the
dashboard does not drift from the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from bot.app.metrics import Metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "docs" / "grafana-dashboard.json"


def test_every_metric_of_the_grafana_dashboard_is_served() -> None:
    served = set()
    for family in text_string_to_metric_families(Metrics().render().decode()):
        served |= {family.name, f"{family.name}_total", f"{family.name}_bucket", f"{family.name}_count", f"{family.name}_sum"}
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    used = {name for panel in dashboard["panels"] for target in panel["targets"] for name in re.findall(r"supportbot_[a-z_]+", target["expr"])}
    assert used and used <= served, used - served
    assert all(panel["title"] and panel["targets"] for panel in dashboard["panels"])
