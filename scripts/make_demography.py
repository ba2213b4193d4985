"""Build sim/data/demography.csv: population index paths per district and projection variant.

Developer script; values and their sources/tags are documented in sim/data/SOURCES.md.
"""

from pathlib import Path

import numpy as np
import pandas as pd

YEARS = [2025, 2030, 2035, 2040, 2045]
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
# Sachsen 8. RBV: base 31.12.2021, horizon 2040; V1=high, V2=mid, V3=low
lz0 = 601866
P[("leipzig_city", "official_high")] = (lin(2021, 2040, 672200 / lz0), "[D]")
P[("leipzig_city", "official_mid")] = (lin(2021, 2040, 654860 / lz0), "[D]")
P[("leipzig_city", "official_low")] = (lin(2021, 2040, 637960 / lz0), "[D]")
P[("lk_leipzig", "official_low")] = (lin(2021, 2040, 0.96), "[D]")
P[("lk_leipzig", "official_mid")] = (lin(2021, 2040, 0.975), "[E]")
P[("lk_leipzig", "official_high")] = (lin(2021, 2040, 0.99), "[E]")
P[("nordsachsen", "official_low")] = (lin(2021, 2040, 0.94), "[D]")
P[("nordsachsen", "official_mid")] = (lin(2021, 2040, 0.957), "[E]")
P[("nordsachsen", "official_high")] = (lin(2021, 2040, 0.975), "[E]")
# Sachsen-Anhalt 7. RBP: base 31.12.2019, horizon 2035, single variant (= mid);
# low/high = decline x1.3 / x0.6 [E]
st = {
    "halle": (0.95, "[D]"),
    "mansfeld_suedharz": (109018 / 134942, "[D]"),
    "anhalt_bitterfeld": (0.84, "[M/E]"),
    "burgenlandkreis": (0.85, "[M/E]"),
    "saalekreis": (0.87, "[M/E]"),
}
for d, (v, t) in st.items():
    P[(d, "official_mid")] = (lin(2019, 2035, v), t)
    P[(d, "official_low")] = (lin(2019, 2035, 1 - (1 - v) * 1.3), "[E]")
    P[(d, "official_high")] = (lin(2019, 2035, 1 - (1 - v) * 0.6), "[E]")
# Thueringen: low = 1. GemBv (2. rBv basis) path [V]; mid = 3. rBv-scaled rate [D/E]; high [E]
al = [(2020, 88610), (2025, 84400), (2030, 80150), (2035, 76380), (2040, 73140)]
P[("altenburger_land", "official_low")] = ([(y, v / 88610) for y, v in al], "[D]")
P[("altenburger_land", "official_mid")] = (lin(2021, 2042, 1 - 0.0064 * 21), "[D/E]")
P[("altenburger_land", "official_high")] = (lin(2021, 2042, 1 - 0.0040 * 21), "[E]")


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
                tag=tag if y <= hor else "[E]",
            )
        )
df = pd.DataFrame(rows)
df.to_csv(
    Path(__file__).resolve().parent.parent / "sim" / "data" / "demography.csv",
    index=False,
    lineterminator="\n",
)
print(df.pivot_table(index=["district_id", "variant"], columns="year", values="population_index"))
