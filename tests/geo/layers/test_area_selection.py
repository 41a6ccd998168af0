"""Choosing gemeenten and regions from the real CBS 2024 boundaries (data/referentie)."""

import pytest
from layer_factories import valid_frame

from geo.errors import AreaNotFoundError, InvalidRequestError
from geo.layers import validate_layer
from geo.layers.gemeenten import (
    find_area,
    list_groups,
    reference_gemeenten,
    select_area,
    split_per_gemeente,
)


def test_reference_has_342_gemeenten_and_limburg_regions():
    frame = reference_gemeenten()
    assert len(frame) == 342
    assert frame.crs.to_epsg() == 28992
    limburg = frame[frame["provincie"] == "Limburg"]
    assert len(limburg) == 31
    assert limburg["regio"].notna().all()
    assert frame.loc[frame["provincie"] != "Limburg", "regio"].isna().all()


def test_reference_satisfies_own_schema():
    frame = validate_layer("gemeenten", reference_gemeenten())
    assert frame["gemeentecode"].str.fullmatch(r"GM\d{4}").all()


@pytest.mark.parametrize("name", ["Beek (L.)", "beek", "BEEK (l.)", "GM0888", "gm0888", "888",
                                  "0888", "beek-l"])
def test_beek_in_limburg(name):
    area = select_area(gemeente=name)
    assert (area.id, area.naam, area.soort) == ("GM0888", "Beek (L.)", "gemeente")
    assert area.codes == ["GM0888"]


def test_ambiguous_short_name_lists_both():
    with pytest.raises(AreaNotFoundError,
                       match="niet eenduidig.*Bergen \\(NH.\\).*Bergen \\(L.\\)"):
        select_area(gemeente="Bergen")


def test_aliases_and_accents():
    assert select_area(gemeente="Den Haag").id == "GM0518"
    assert select_area(veiligheidsregio="fryslan").naam == "Fryslân"
    assert select_area(provincie="noord-holland").naam == "Noord Holland"


def test_several_gemeenten_make_a_selection():
    area = select_area(gemeente=["Vaals", "GM0888", "vaals"])
    assert area.id == "selectie-GM0888-GM0981"
    assert area.soort == "selectie"
    assert area.codes == ["GM0888", "GM0981"]


@pytest.mark.parametrize("kwargs, area_id, count", [
    ({"regio": "Parkstad"}, "regio-parkstad", 7),
    ({"regio": "regio-parkstad"}, "regio-parkstad", 7),
    ({"regio": "maastricht-heuvelland"}, "regio-maastricht-heuvelland", 6),
    ({"veiligheidsregio": "Limburg-Zuid"}, "vr-limburg-zuid", 16),
    ({"provincie": "limburg"}, "provincie-limburg", 31),
])
def test_groups(kwargs, area_id, count):
    area = select_area(**kwargs)
    assert area.id == area_id
    assert len(area.codes) == count


def test_limburg_regions_partition_the_province():
    regions = list_groups("regio")
    assert regions == ["Maastricht-Heuvelland", "Midden-Limburg", "Noord-Limburg", "Parkstad",
                       "Westelijke Mijnstreek"]
    codes = [c for r in regions for c in select_area(regio=r).codes]
    assert sorted(codes) == select_area(provincie="Limburg").codes


def test_unknown_region_suggests():
    with pytest.raises(AreaNotFoundError, match="Regio 'Parkstat' bestaat niet.*Parkstad"):
        select_area(regio="Parkstat")
    with pytest.raises(AreaNotFoundError, match="Provincie 'Limbrug'.*Limburg"):
        select_area(provincie="Limbrug")


def test_exactly_one_selector():
    with pytest.raises(InvalidRequestError, match="precies één gebied"):
        select_area(gemeente="Vaals", provincie="Limburg")
    with pytest.raises(InvalidRequestError):
        select_area()


def test_split_per_gemeente():
    parts = split_per_gemeente(select_area(regio="Parkstad"))
    assert [p.id for p in parts] == sorted(select_area(regio="Parkstad").codes)
    assert all(p.soort == "gemeente" and len(p.gemeenten) == 1 for p in parts)


def test_area_geometry_and_bounds():
    area = select_area(gemeente="Vaals")
    xmin, ymin, xmax, ymax = area.bounds
    assert 190_000 < xmin < xmax < 210_000 and 300_000 < ymin < ymax < 320_000
    assert area.geometry.area == pytest.approx(area.gemeenten.area.sum())


def test_select_from_own_gemeenten_layer():
    own = validate_layer("gemeenten", valid_frame("gemeenten"))
    assert select_area(gemeente="testgemeente 1", gemeenten=own).id == "GM9001"
    with pytest.raises(AreaNotFoundError, match="Regio 'Parkstad' bestaat niet"):
        select_area(regio="Parkstad", gemeenten=own)


def test_land_is_every_gemeente_of_the_reference():
    land = select_area(land=True)
    assert (land.id, land.naam, land.soort) == ("land-nederland", "Nederland", "land")
    assert len(land.codes) == 342 and land.codes == sorted(reference_gemeenten()["gemeentecode"])
    provinces = [select_area(provincie=p) for p in list_groups("provincie")]
    assert sorted(c for p in provinces for c in p.codes) == land.codes
    assert len(split_per_gemeente(land)) == 342


@pytest.mark.parametrize("text", ["Nederland", "nederland", "NL", "nl", "land", "Land",
                                  "land-nederland", " Heel Nederland "])
def test_find_area_names_the_country(text):
    assert find_area(text).id == "land-nederland"


def test_land_is_one_selector_and_own_layers_give_their_own_country():
    with pytest.raises(InvalidRequestError, match="--provincie of --land"):
        select_area(land=True, provincie="Limburg")
    with pytest.raises(AreaNotFoundError, match="Bedoelde je: Nederland"):
        find_area("Nederlnd")
    own = validate_layer("gemeenten", valid_frame("gemeenten"))
    assert select_area(land=True, gemeenten=own).codes == sorted(own["gemeentecode"])
