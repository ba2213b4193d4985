import networkx as nx
import numpy as np
import pytest

from sim.config import RegionConfig
from sim.datasets import load_districts, load_places
from sim.region import build_region


@pytest.fixture(scope="module")
def region():
    return build_region(RegionConfig())


def test_nine_districts_with_places(region):
    assert list(region.districts["district_id"]) == list(load_districts()["district_id"])
    assert len(region.districts) == 9
    assert set(region.places["district_id"]) == set(region.districts["district_id"])
    assert 400 <= region.n_places <= 500


def test_graph_is_connected_with_travel_attributes(region):
    g = region.graph
    assert g.number_of_nodes() == region.n_places
    assert nx.is_connected(g)
    for _, _, data in g.edges(data=True):
        assert data["km"] > 0 and data["minutes"] > 0


def test_place_populations_sum_to_district_totals(region):
    by_district = region.places.groupby("district_id")["population"].sum()
    expected = region.districts.set_index("district_id")["population"]
    assert (by_district.reindex(expected.index) == expected).all()


def test_travel_matrix_is_complete_and_symmetric(region):
    m = region.minutes
    assert m.shape == (region.n_places, region.n_places)
    assert np.isfinite(m).all()
    assert np.allclose(m, m.T)
    assert (np.diag(m) > 0).all()  # travel inside a place takes time too
    # shortest paths obey the triangle inequality through any intermediate place
    k = 7
    assert (m <= m[:, [k]] + m[[k], :] + 1e-9).all()


def test_settlement_types_follow_the_configured_rule(region):
    places = region.places
    rule = RegionConfig().settlement
    city = places["population_geonames"] >= rule.city_min_population
    rural = places["population_geonames"] < rule.town_min_population
    assert (places.loc[city, "settlement_type"] == "city").all()
    assert (places.loc[rural, "settlement_type"] == "rural").all()
    assert set(places.loc[city, "place_id"]) == {"halle", "leipzig"}


def test_subset_region_keeps_only_its_districts():
    small = build_region(RegionConfig(districts=["halle", "saalekreis"]))
    assert set(small.places["district_id"]) == {"halle", "saalekreis"}
    assert nx.is_connected(small.graph)


def test_places_file_has_unique_ids():
    places = load_places()
    assert places["place_id"].is_unique
