"""Issue 17 item 8: in état civil, a given name alone finds the acts of that given name, and a family name is
found with or without the article "ال" (السعيدي / سعيدي, التازي / تازي)."""

from __future__ import annotations

import pytest

from jamaa.modules.etatcivil.search import search_acts

from .test_search import Registry, ids, registry  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["السعيدي", "سعيدي", "التازي", "تازي"])
def test_family_name_with_or_without_the_article(registry: Registry, text: str) -> None:  # noqa: F811
    expected = registry.acts["Youssef Es-Saidi 1987"] if "سعيدي" in text else registry.acts["Ali Tazi 1999"]
    assert ids(search_acts(text=text))[:1] == [expected.pk]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("يوسف", "Youssef Es-Saidi 1987"),
        ("Youssef", "Youssef Es-Saidi 1987"),
        ("خديجة", "Khadija Cherkaoui 1987"),
        ("Khadija", "Khadija Cherkaoui 1987"),
    ],
)
def test_a_given_name_alone(registry: Registry, text: str, key: str) -> None:  # noqa: F811
    assert ids(search_acts(text=text))[:1] == [registry.acts[key].pk]


def test_a_given_name_alone_finds_every_act_of_that_name(registry: Registry) -> None:  # noqa: F811
    found = set(ids(search_acts(text="محمد")))
    assert found >= {
        registry.acts["Mohamed El Alaoui 1987"].pk,
        registry.acts["Mohammed Alaoui 2001"].pk,
        registry.acts["محمد العلوي 1962"].pk,
    }
    assert registry.acts["Mahmoud Alaoui 1990"].pk not in set(ids(search_acts(text="محمد"))[:3])
