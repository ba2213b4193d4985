"""Build sim/data/demography.csv: population index paths per district and projection variant.

Developer script; values and their sources/tags are documented in sim/data/SOURCES.md.
"""

from pathlib import Path

import numpy as np
import pandas as pd

YEARS = list(range(2020, 2046))  # every year: the model interpolates between them
base_year = {
    "halle": 2023,
    "anhalt_bitterfeld": 2023,
    "burgenlandkreis": 2023,
    "mansfeld_suedharz": 2023,
    "saalekreis": 2023,
    "leipzig_city": 2022,
    "lk_leipzig": 2022,
    "nordsachsen": 2022,
    "altenburger_land": 2022,
}


# paths: list of (year, relative level) points, linear between; tag for in-horizon rows
def lin(b0, b1, v1):
    return [(b0, 1.0), (b1, v1)]


P = {}
# Every district's path from the totals of sim/data/projection_targets.csv (their tags and
# sources in SOURCES_population.md): Sachsen 8. RBV (base 31.12.2021, V1/V2/V3 = high/mid/low),
# Sachsen-Anhalt 8. RBP (base 31.12.2022, published 27.05.2025; one variant = official_mid)
# and Thueringen 3. rBv (base 2021, horizon 2042; one variant). For the one-variant states
# official_low / official_high = the mid decline x 1.3 / x 0.6 [E]. A row's tag is the tag of
# its data point where the year is one, [D] between points, [E] beyond the horizon.
targets = pd.read_csv(
    Path(__file__).resolve().parent.parent / "sim" / "data" / "projection_targets.csv"
)
current = targets[
    targets["edition"].str.startswith(("8. RBV", "8. RBP", "3. rBv"))
    & (targets["age_group"] == "total")
]
TAGS = {}  # (district, variant, year) -> tag of the data point
for (d, variant), g in current.groupby(["district_id", "variant"]):
    g = g.sort_values("year")
    p0 = float(g["persons"].iloc[0])
    pts = [(int(y), float(v) / p0) for y, v in zip(g["year"], g["persons"], strict=True)]
    P[(d, variant)] = (pts, None)
    TAGS.update({(d, variant, int(y)): f"[{t}]" for y, t in zip(g["year"], g["tag"], strict=True)})
    if g["edition"].iloc[0].startswith(("8. RBP", "3. rBv")):  # one variant: spread [E]
        P[(d, "official_low")] = ([(y, 1 - (1 - v) * 1.3) for y, v in pts], "[E]")
        P[(d, "official_high")] = ([(y, 1 - (1 - v) * 0.6) for y, v in pts], "[E]")
# Thueringen low: the TLS 1. GemBv (2. rBv basis) path for Landkreis Altenburger Land [V]
al = [(2020, 88610), (2025, 84400), (2030, 80150), (2035, 76380), (2040, 73140)]
P[("altenburger_land", "official_low")] = ([(y, v / 88610) for y, v in al], "[D]")


def val(pts, y):
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    if y <= xs[-1]:
        return float(np.interp(y, xs, ys))
    slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    return ys[-1] + slope * (y - xs[-1])


rows = []
for (d, v), (pts, tag) in sorted(P.items()):
    b = val(pts, base_year[d])
    hor = pts[-1][0]
    for y in YEARS:
        rows.append(
            dict(
                district_id=d,
                variant=v,
                year=y,
                population_index=round(val(pts, y) / b, 4),
                tag=(tag or TAGS.get((d, v, y), "[D]")) if y <= hor else "[E]",
            )
        )
df = pd.DataFrame(rows)
df.to_csv(
    Path(__file__).resolve().parent.parent / "sim" / "data" / "demography.csv",
    index=False,
    lineterminator="\n",
)
print(df.pivot_table(index=["district_id", "variant"], columns="year", values="population_index"))
