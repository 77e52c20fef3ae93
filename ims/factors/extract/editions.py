"""The official files this extraction knows, with their citation, licence and provenance.

A new edition is added here (after checking its layout) with the SHA-256 of
the file; the extraction refuses any other bytes, so the data files always
say exactly which official file they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
DESNZ = "UK Department for Energy Security and Net Zero (DESNZ), with Defra"
DESNZ_TITLE = "UK Government GHG Conversion Factors for Company Reporting"
NUMBERS = (
    "Figures as Excel shows them at its full precision of 15 significant digits; nothing else is rounded or computed."
)


@dataclass(frozen=True)
class Edition:
    key: str
    path: str  # inside the source folder
    sha256: str
    publisher: str
    title: str
    edition: str
    year: int
    published: str
    licence: str
    licence_url: str
    attribution: str
    url: str
    gwp_set: str
    provenance: dict[str, Any] = field(default_factory=dict)
    notes: str = ""

    def sidecar(self, *, selection: str, numbers: str = NUMBERS) -> dict[str, Any]:
        return {
            "key": self.key,
            "publisher": self.publisher,
            "title": self.title,
            "edition": self.edition,
            "year": self.year,
            "published": self.published,
            "licence": self.licence,
            "licence_url": self.licence_url,
            "attribution": self.attribution,
            "url": self.url,
            "gwp_set": self.gwp_set,
            "source_file": self.path.rsplit("/", 1)[-1],
            "source_sha256": self.sha256,
            "provenance": dict(self.provenance),
            "extraction": {"command": "ims extract-factors", "selection": selection, "numbers": numbers},
            "notes": self.notes,
        }


DESNZ_2025 = Edition(
    key="uk-desnz-2025",
    path="uk-desnz/ghg-conversion-factors-2025-flat-format.xlsx",
    sha256="8bfdb45b81ec4a88e3bdf4584637330f62e6bd09ce1940e654c5d7b7f736de94",
    publisher=DESNZ,
    title=f"{DESNZ_TITLE}: Flat File Format",
    edition="2025, version 1 (flat file)",
    year=2025,
    published="2025-06-10",
    licence=OGL,
    licence_url=OGL_URL,
    attribution=(
        "Contains public sector information licensed under the Open Government Licence v3.0. "
        "Source: Department for Energy Security and Net Zero, UK Government GHG Conversion Factors "
        "for Company Reporting 2025."
    ),
    url="https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2025",
    gwp_set="AR5",
    provenance={
        "repository": "github.com/streetvisit/carbon-recycling-platform",
        "path": "reference-data/uk-gov-conversion-factors/2025/flat-file.xlsx",
        "commit": "2f5cd7a9b6340aec83561c7e77f2beaa4abc384f",
        "snapshot": "35bc3cd4c8560aa33810f5af1aecacb6429ffed5",
        "git_blob": "4ff5245cfcad19dd9f01e8615178e88d098d3556",
        "integrity": "Unmodified official workbook (creator DESNZ; only the two official sheets).",
    },
    notes="Sheet “Factors by Category”, rows 7–8746. GWPs: IPCC AR5, 100-year.",
)

DESNZ_2024 = Edition(
    key="uk-desnz-2024",
    path="uk-desnz/ghg-conversion-factors-2024-flat-format-v1_1.factors-by-category.csv",
    sha256="8e4d5ae5355f71d3a6b2a5d4ae09ebb3391385cf0b7801a39a957a0e68ed445e",
    publisher=DESNZ,
    title=f"{DESNZ_TITLE}: Flat File Format",
    edition="2024, version 1.1 (flat file, sheet “Factors by Category”, CSV export)",
    year=2024,
    published="2024-10-30",
    licence=OGL,
    licence_url=OGL_URL,
    attribution=(
        "Contains public sector information licensed under the Open Government Licence v3.0. "
        "Source: Department for Energy Security and Net Zero, UK Government GHG Conversion Factors "
        "for Company Reporting 2024 (v1.1), flat file; converted from XLSX to CSV."
    ),
    url="https://www.gov.uk/government/publications/greenhouse-gas-reporting-conversion-factors-2024",
    gwp_set="AR5",
    provenance={
        "repository": "github.com/SWASTIKA3011/Carbon-Lens",
        "path": "ghg-conversion-factors-2024-FlatFormat_v1_1.xlsx",
        "commit": "bf80fee84c7e30436663ff85c9a738f7f83c179b",
        "snapshot": "126636b146e63dac006b63ffaaa73065d16fbb72",
        "git_blob": "aa36504ecd2c7b6b49f26abb9456c2f031a985ac",
        "workbook_sha256": "db8cb915af241b389add753402fb225f1850c583ac331994a71b2f281c484320",
        "integrity": (
            "The only copy of the official v1.1 flat workbook found had been re-saved by a third party, "
            "so only its official sheet “Factors by Category” was exported, cell for cell, to CSV "
            "(header = sheet row 6, data = rows 7–8746). Its figures were cross-checked against the "
            "unmodified official 2024 v1.1 condensed set "
            "(sha256 02287cec3dfc1f3e6bee8871b88339cc1c6bcb9ac6b243f85818e475334bf301)."
        ),
    },
    notes="Sheet “Factors by Category” (CSV line n is sheet row n + 5). GWPs: IPCC AR5, 100-year.",
)

EPA_2025 = Edition(
    key="us-epa-hub-2025",
    path="us-epa/ghg-emission-factors-hub-2025.xlsx",
    sha256="db9085f182e50c7fd9106a902986434fb41ef0426afc953acb40f61a495e8a76",
    publisher="U.S. Environmental Protection Agency, Center for Corporate Climate Leadership",
    title="Emission Factors for Greenhouse Gas Inventories (GHG Emission Factors Hub)",
    edition="2025 (last modified January 15, 2025)",
    year=2025,
    published="2025-01-15",
    licence="Public domain (work of the U.S. Federal Government, 17 U.S.C. §105)",
    licence_url="",
    attribution=(
        "Source: U.S. Environmental Protection Agency, GHG Emission Factors Hub (2025), "
        "https://www.epa.gov/climateleadership/ghg-emission-factors-hub"
    ),
    url="https://www.epa.gov/climateleadership/ghg-emission-factors-hub",
    gwp_set="AR5",
    provenance={
        "repository": "github.com/Srijaisuryaa007/major-project-carbon-accounting-and-ESG-dashboard-",
        "path": "ghg-emission-factors-hub-2025.xlsx",
        "commit": "1f7d748e1b79caa70365db066b5b60748f62cff6",
        "git_blob": "90ad3d82f2db130dbdabc8d20eafb1cf1d756089",
        "integrity": (
            "One official sheet “Emission Factors Hub”; last saved in Excel Online, so possibly not "
            "byte-identical to EPA's download. An independent copy "
            "(SWASTIKA3011/Carbon-Lens, blob af4b5cdd1d46c5b0a58ba3061e5d23d203fa3d0a) has identical "
            "cell values in all 591 × 28 cells."
        ),
    },
    notes=(
        "Most tables give the mass of each gas per unit (kg CO2, g CH4, g N2O; lb per MWh for eGRID): "
        "their CO2e is computed with the inventory's GWP set. The Hub recommends AR5; its waste "
        "factors (Table 9) are stated in CO2e with AR4 GWPs. Table 6 holds eGRID2023 subregion rates "
        "(January 2025)."
    ),
)

GWP_2024 = Edition(
    key="gwp-openclimatedata-0.13.1",
    path="gwp/globalwarmingpotentials.csv",
    sha256="9b80412cb5aeeb91038ef84145a10cdab0ab202cbb623cb14d2ec35ec2454f36",
    publisher="openclimatedata (Robert Gieseke)",
    title="Global warming potentials of greenhouse gases",
    edition="package version 0.13.1",
    year=2024,
    published="2024-06-14",
    licence="CC0 1.0 Universal (public domain dedication)",
    licence_url="https://creativecommons.org/publicdomain/zero/1.0/",
    attribution=(
        "Global warming potentials from openclimatedata/globalwarmingpotentials (CC0 1.0), "
        "compiled from IPCC assessment reports."
    ),
    url="https://github.com/openclimatedata/globalwarmingpotentials",
    gwp_set="",
    provenance={
        "repository": "github.com/openclimatedata/globalwarmingpotentials",
        "path": "globalwarmingpotentials.csv",
        "commit": "d3cb48938de7ec35d2f6a0d8072237e6a0db6ce7",
        "snapshot": "fc4e6f48190b2c43a8b1ef41cd7a88f1d1234247",
        "git_blob": "c3af55ec29d3475033d6d323022a5fb87909964e",
    },
    notes=(
        "100-year GWPs: AR4 and AR5 as tabulated by the GHG Protocol (AR5 WG1 Ch. 8), AR6 from WG1 "
        "Ch. 7 SM Table 7.SM.7. The GWP of CO2 is 1 by definition and is not listed."
    ),
)

EDITIONS = (DESNZ_2025, DESNZ_2024, EPA_2025, GWP_2024)
