"""Build districts.csv, trade_groups.csv and coal_sites.csv in sim/data from ../shared/region.

Developer script (needs the shared research folder next to the project); the model reads only
the CSVs it writes. Every figure and its tag is explained in sim/data/SOURCES.md.
"""

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
D = str(ROOT / "sim" / "data") + "/"
SHARED = ROOT.parent / "shared" / "region"
src = pd.read_csv(SHARED / "districts.csv")
chamber = {
    "halle": "hwk_halle",
    "leipzig_city": "hwk_leipzig",
    "lk_leipzig": "hwk_leipzig",
    "nordsachsen": "hwk_leipzig",
    "anhalt_bitterfeld": "hwk_halle",
    "burgenlandkreis": "hwk_halle",
    "mansfeld_suedharz": "hwk_halle",
    "saalekreis": "hwk_halle",
    "altenburger_land": "hwk_ostthueringen",
}
pph = {
    "halle": (1.8, "[S]"),
    "leipzig_city": (1.75, "[D]"),
    "lk_leipzig": (1.95, "[E]"),
    "nordsachsen": (1.95, "[E]"),
    "anhalt_bitterfeld": (1.9, "[E]"),
    "burgenlandkreis": (1.8, "[S]"),
    "mansfeld_suedharz": (2.1, "[S]"),
    "saalekreis": (2.1, "[S]"),
    "altenburger_land": (1.85, "[E]"),
}
firms = {
    "halle": (1796, "[S]"),
    "leipzig_city": (5180, "[D/E]"),
    "lk_leipzig": (3899, "[D/E]"),
    "nordsachsen": (2992, "[D/E]"),
    "anhalt_bitterfeld": (1640, "[E]"),
    "burgenlandkreis": (1860, "[E]"),
    "mansfeld_suedharz": (1350, "[E]"),
    "saalekreis": (2330, "[E]"),
    "altenburger_land": (1150, "[E]"),
}
# apprentices per registered firm
ratio_stock_new = (3380 / 1280 + 2137 / 786) / 2
app_rate = {
    "hwk_halle": (3380 / 13146, "[D]"),
    "hwk_ostthueringen": (2137 / 9300, "[D]"),
    "hwk_leipzig": (967 * ratio_stock_new / 12071, "[D/E]"),
}
# persons per registered firm in the Handwerkszaehlung (HWZ) definition: persons = employees
# subject to social insurance (incl. apprentices) + marginally employed + active owners
# (Destatis glossary). The model's staff (incl. the owner) plus apprentices are HWZ persons, so
# persons_per_firm (staff, excl. apprentices) = HWZ persons per registered firm - apprentices
# per registered firm. Sources and derivation: SOURCES_structure.md s2.
hwz_per_register = {
    # Sachsen-Anhalt 2021: 136,227 HWZ persons [S] / (HWK Halle 13,322 + HWK Magdeburg 11,649
    # registered firms, end 2021 [V/S]); Halle's own HWZ persons are taken out (see below)
    "sachsen_anhalt": ((136227 - 46.01 * 238.0) / (13322 + 11649 - 1777), "[D]"),
    # Sachsen 2022: 282,522 HWZ persons [V] / 55,534 registered firms 31.12.2022 [V]
    "sachsen": (282522 / 55534, "[D]"),
    # Thueringen 2018: 127,987 HWZ persons [V] / registered firms end 2018 interpolated between
    # 31,585 (31.12.2013) and 29,736 (30.06.2023) [V] -> 30,612 [D]
    "thueringen": (127987 / (31585 - 1849 * 5 / 9.5), "[D]"),
}
state_key = {"halle": "sachsen_anhalt", "anhalt_bitterfeld": "sachsen_anhalt"}
state_key |= {"burgenlandkreis": "sachsen_anhalt", "mansfeld_suedharz": "sachsen_anhalt"}
state_key |= {"saalekreis": "sachsen_anhalt", "altenburger_land": "thueringen"}
state_key |= {"leipzig_city": "sachsen", "lk_leipzig": "sachsen", "nordsachsen": "sachsen"}


def persons_per_firm(district: str, population: float, registered: int) -> tuple[float, str]:
    """Staff per registered firm (HWZ persons minus apprentices), see SOURCES_structure.md."""
    ch = chamber[district]
    if district == "halle":
        # the district's own HWZ density, 46.01 persons per 1,000 inhabitants (2021) [S],
        # applied to the model's population
        return round(46.01 * population / 1000 / registered - app_rate[ch][0], 3), "[D]"
    h, tag = hwz_per_register[state_key[district]]
    return round(h - app_rate[ch][0], 3), tag


old = {"hwk_halle": (0.25, "[S]"), "hwk_leipzig": (0.20, "[S]"), "hwk_ostthueringen": (0.21, "[E]")}
coal = {
    "lk_leipzig": (400 + 424, "[D/E]"),
    "burgenlandkreis": (194 + 48 + 302, "[D/E]"),
    "saalekreis": (140, "[D/E]"),
    "mansfeld_suedharz": (292, "[D/E]"),
}
rows = []
for _, r in src.iterrows():
    d = r.district_id
    ch = chamber[d]
    p, pt = pph[d]
    f, ft = firms[d]
    pf, pft = persons_per_firm(d, r.population, firms[d][0])
    ar, art = app_rate[ch]
    o, ot = old[ch]
    cj, ctag = coal.get(d, (0, "[D/E]"))
    rows.append(
        dict(
            district_id=d,
            name=r["name"],
            kind=r.kind,
            state=r.state,
            chamber=ch,
            ags=r.ags,
            seat=r.seat,
            seat_lat=r.seat_lat,
            seat_lon=r.seat_lon,
            area_km2=r.area_km2,
            population=r.population,
            population_date=r.population_date,
            persons_per_household=p,
            persons_per_household_tag=pt,
            households=int(round(r.population / p)),
            households_tag="[D]",
            craft_firms=f,
            craft_firms_tag=ft,
            persons_per_firm=pf,
            persons_per_firm_tag=pft,
            apprentices=int(round(ar * f)),
            apprentices_tag=art,
            share_owners_60plus=o,
            share_owners_60plus_tag=ot,
            coal_direct_jobs=cj,
            coal_direct_jobs_tag=ctag,
        )
    )
dd = pd.DataFrame(rows)
dd.to_csv(D + "districts.csv", index=False, lineterminator="\n")
print(
    dd[
        [
            "district_id",
            "households",
            "craft_firms",
            "persons_per_firm",
            "apprentices",
            "coal_direct_jobs",
        ]
    ]
)
print(
    "firms",
    dd.craft_firms.sum(),
    "hh",
    dd.households.sum(),
    "app",
    dd.apprentices.sum(),
    "coal",
    dd.coal_direct_jobs.sum(),
    "ratio",
    ratio_stock_new,
    "lz app rate",
    app_rate["hwk_leipzig"][0],
)

# trade groups
tg = [
    (
        "bauhaupt",
        "Bauhauptgewerbe",
        0.11,
        "[D/E]",
        1.17,
        "[M/D]",
        150000,
        "[M/E]",
        0.45,
        0.35,
        0.20,
        35,
        0.55,
    ),
    (
        "ausbau",
        "Ausbaugewerbe",
        0.34,
        "[D/E]",
        0.72,
        "[D]",
        135333,
        "[D]",
        0.60,
        0.32,
        0.08,
        25,
        0.55,
    ),
    (
        "gewerblicher_bedarf",
        "Handwerke für den gewerblichen Bedarf",
        0.24,
        "[D/E]",
        1.60,
        "[M/E]",
        160000,
        "[M/E]",
        0.10,
        0.85,
        0.05,
        45,
        0.55,
    ),
    (
        "kfz",
        "Kraftfahrzeuggewerbe",
        0.065,
        "[D]",
        1.17,
        "[M/E]",
        265000,
        "[M/E]",
        0.65,
        0.32,
        0.03,
        15,
        0.75,
    ),
    (
        "lebensmittel",
        "Lebensmittelgewerbe",
        0.027,
        "[D]",
        1.90,
        "[M/E]",
        75000,
        "[M/E]",
        0.90,
        0.10,
        0.00,
        8,
        0.55,
    ),
    (
        "gesundheit",
        "Gesundheitsgewerbe",
        0.028,
        "[E]",
        1.12,
        "[D]",
        84000,
        "[D]",
        0.95,
        0.03,
        0.02,
        15,
        0.45,
    ),
    (
        "privater_bedarf",
        "Handwerke für den privaten Bedarf",
        0.19,
        "[E]",
        0.43,
        "[S/D]",
        47500,
        "[S]",
        0.85,
        0.13,
        0.02,
        10,
        0.35,
    ),
]
t = pd.DataFrame(
    tg,
    columns=[
        "trade_group",
        "label_de",
        "share_of_firms",
        "share_of_firms_tag",
        "persons_per_firm_rel",
        "persons_per_firm_rel_tag",
        "turnover_per_person_eur",
        "turnover_per_person_tag",
        "customer_private",
        "customer_business",
        "customer_public",
        "half_time_min",
        "input_share",
    ],
)
w = (t.share_of_firms * t.persons_per_firm_rel).sum()
t["persons_per_firm_rel"] = (t.persons_per_firm_rel / w).round(3)
t["customer_mix_tag"] = "[E]"
t["half_time_tag"] = "[E]"
t["input_share_tag"] = "[E]"
t = t[
    [
        "trade_group",
        "label_de",
        "share_of_firms",
        "share_of_firms_tag",
        "persons_per_firm_rel",
        "persons_per_firm_rel_tag",
        "turnover_per_person_eur",
        "turnover_per_person_tag",
        "customer_private",
        "customer_business",
        "customer_public",
        "customer_mix_tag",
        "half_time_min",
        "half_time_tag",
        "input_share",
        "input_share_tag",
    ]
]
t.to_csv(D + "trade_groups.csv", index=False, lineterminator="\n")
print(t, "w", w, "wsum", (t.share_of_firms * t.persons_per_firm_rel).sum(), t.share_of_firms.sum())
print(
    "weighted turnover/person",
    (t.share_of_firms * t.persons_per_firm_rel * t.turnover_per_person_eur).sum(),
)

# coal sites
cs = pd.read_csv(SHARED / "coal_sites.csv")
mj = {
    "mine_vereinigtes_schleenhain": (424, "[D/E] MIBRAG residual 968 x 0.75 x 10.5/18 Mt"),
    "mine_profen": (302, "[D/E] MIBRAG residual 968 x 0.75 x 7.5/18 Mt"),
    "hq_mibrag_zeitz": (194, "[E] MIBRAG residual 968 x 0.20 (HQ/administration/training)"),
    "pp_waehlitz": (48, "[E] MIBRAG residual 968 x 0.05"),
    "pp_lippendorf_r": (400, "[S] knapp 400 for the whole Lippendorf site (2014)"),
    "pp_schkopau": (140, "[S] rund 140 (2020)"),
    "mine_amsdorf": (86, "[S] ZDF 2018"),
    "ref_romonta_wax_amsdorf": (206, "[D] 292 ROMONTA total (2018) minus 86 mine"),
}
cs["model_direct_jobs"] = [mj.get(s, (0,))[0] for s in cs.site_id]


def tagf(r):
    if r.site_id in mj:
        return mj[r.site_id][1]
    if r.site_id.startswith("user_"):
        return "[D] 0: user of lignite energy, not a lignite employer"
    if r.site_id == "pp_lippendorf_s":
        return "[D] 0: staff counted in pp_lippendorf_r"
    if r.site_id == "pp_romonta_amsdorf":
        return "[D] 0: staff counted in ref_romonta_wax_amsdorf"
    return "[D] 0: closed"


cs["model_tag"] = cs.apply(tagf, axis=1)
# the model's closure dates: as published, except two sites without an end date (SOURCES.md)
cs["model_closure_date"] = cs["closure_date"]
cs["model_closure_basis"] = cs["closure_basis"]
cs.loc[cs.site_id == "hq_mibrag_zeitz", ["model_closure_date", "model_closure_basis"]] = [
    "2035-12-31",
    "estimate [E]: the head office follows MIBRAG's last mines (Profen and Vereinigtes "
    "Schleenhain, end 2035)",
]
cs.loc[cs.site_id == "ref_romonta_wax_amsdorf", ["model_closure_date", "model_closure_basis"]] = [
    "2030-12-31",
    "estimate [E]: the wax is extracted from Amsdorf lignite, whose extraction ends about 2030 "
    "(MZ/ZDF); no replacement raw material published",
]
cs.to_csv(D + "coal_sites.csv", index=False, lineterminator="\n")
chk = cs.groupby("district_id").model_direct_jobs.sum()
print(chk, chk.sum())
for d, (v, _) in coal.items():
    assert chk[d] == v, (d, chk[d], v)
