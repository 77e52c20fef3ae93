"""The severity scale and cause taxonomy an organisation starts with; both are configurable afterwards.

They are installed the first time an event is reported (or a severity or cause
is configured), not by a migration: a freshly migrated database stays empty, so
``ims restore`` can load a backup into it.
"""

from __future__ import annotations

from ims.improvement.models import Branch

# code, label, rank, days allowed per workflow step
SEVERITIES: tuple[tuple[str, str, int, int], ...] = (
    ("minor", "Minor", 1, 14),
    ("major", "Major", 2, 7),
    ("critical", "Critical", 3, 2),
)

# code, label, fishbone branch, shallow (usually hides a deeper cause)
CAUSES: tuple[tuple[str, str, str, bool], ...] = (
    ("human_error", "Human error", Branch.PEOPLE, True),
    ("training", "Training or awareness", Branch.PEOPLE, True),
    ("workload", "Workload or staffing", Branch.PEOPLE, False),
    ("supervision", "Supervision or responsibilities unclear", Branch.PEOPLE, False),
    ("procedure", "Procedure missing, unclear or impractical", Branch.METHOD, False),
    ("process_design", "Process design", Branch.METHOD, False),
    ("planning", "Planning or scheduling", Branch.METHOD, False),
    ("communication", "Communication or handover", Branch.METHOD, False),
    ("equipment_failure", "Equipment failure", Branch.MACHINE, False),
    ("maintenance", "Maintenance missing or ineffective", Branch.MACHINE, False),
    ("tooling", "Tooling or fixture", Branch.MACHINE, False),
    ("material_defect", "Material or component defect", Branch.MATERIAL, False),
    ("supplier", "Supplier process", Branch.MATERIAL, False),
    ("handling_storage", "Handling, storage or packaging", Branch.MATERIAL, False),
    ("measurement", "Measurement or inspection method", Branch.MEASUREMENT, False),
    ("calibration", "Calibration of measuring equipment", Branch.MEASUREMENT, False),
    ("specification", "Specification or drawing unclear", Branch.MEASUREMENT, False),
    ("ambient", "Ambient conditions (temperature, humidity, dust)", Branch.ENVIRONMENT, False),
    ("infrastructure", "Infrastructure or utilities", Branch.ENVIRONMENT, False),
    ("external", "External event (weather, third party)", Branch.ENVIRONMENT, False),
)

TRIAGE_DAYS = 2  # a report waits at most this long for triage, before its severity is known
