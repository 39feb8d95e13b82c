"""A dashboard chart: a title, the table behind it (shown and exportable) and the ECharts option
built from that table. Apps register providers (dangjian.core.registry.register_chart) that return
a Chart for a scope and a date, so the dashboard never imports them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Chart:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    kind: str = "bar"  # "bar" or "pie"

    def option(self) -> dict[str, Any]:
        labels = [str(r[0]) for r in self.rows]
        values = [r[1] for r in self.rows]
        if self.kind == "pie":
            return {
                "tooltip": {"trigger": "item"},
                "series": [
                    {
                        "type": "pie",
                        "radius": "60%",
                        "data": [{"name": n, "value": v} for n, v in zip(labels, values, strict=True)],
                    }
                ],
            }
        return {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 10, "bottom": 60, "top": 20},
            "xAxis": {
                "type": "category",
                "data": labels,
                "axisLabel": {"interval": 0, "rotate": 30 if len(labels) > 4 else 0},
            },
            "yAxis": {"type": "value"},
            "series": [{"type": "bar", "data": values, "itemStyle": {"color": "#c8161d"}}],
        }
