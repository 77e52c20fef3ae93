from django.apps import AppConfig


class KpisConfig(AppConfig):
    name = "ims.kpis"
    label = "kpis"
    verbose_name = "KPIs, control charts and measuring equipment"

    def ready(self) -> None:
        from ims.kpis import checks  # noqa: F401  (registers the 7.1.5 and 9.1.1 readiness checks)
        from ims.kpis.selectors import (
            baselines_visible_to,
            charts_visible_to,
            equipment_visible_to,
            kpis_visible_to,
            signals_visible_to,
        )
        from ims.readiness.evidence import by_visible_id, register_type

        register_type("kpis.kpi", "Key performance indicator", by_visible_id(kpis_visible_to), "kpis:detail")
        register_type("kpis.controlchart", "Control chart", by_visible_id(charts_visible_to), "kpis:chart_detail")
        register_type(
            "kpis.chartsignal", "Control chart signal", by_visible_id(signals_visible_to), "kpis:signal_detail"
        )
        register_type(
            "kpis.equipment", "Measuring equipment", by_visible_id(equipment_visible_to), "kpis:equipment_detail"
        )
        register_type(
            "kpis.energybaseline", "Energy baseline", by_visible_id(baselines_visible_to), "kpis:baseline_detail"
        )
