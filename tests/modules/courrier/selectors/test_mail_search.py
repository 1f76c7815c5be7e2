"""mail_search: by number in its printed forms, by sender or subject in Latin or Arabic letters, with a typo."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import permissions, selectors

from ..factories import clerk, incoming, user_with

pytestmark = pytest.mark.django_db


def test_search_by_number_sender_and_subject(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        year = timezone.localdate().year
        a = incoming(c, "Demande de raccordement au réseau d'assainissement", cin="A1", name="Karim Bennani")
        b = incoming(c, "شكاية بخصوص الإنارة العمومية", cin="B2", name="فاطمة الزهراء")
        refs = lambda text: [r.reference for r in selectors.mail_search(viewer=c, text=text)]  # noqa: E731
        assert refs("2") == [b.reference]
        assert refs(f"1/{year}") == [a.reference] and refs(f"A-{year}/000001") == [a.reference]
        assert refs(f"D-{year}/000001") == []
        assert refs("bennani") == [a.reference]  # sender, any case
        assert refs("assainisement") == [a.reference]  # subject with a typo (trigram word similarity)
        assert refs("الإنارة") == [b.reference]  # Arabic subject
        assert refs("فاطمة") == [b.reference]  # Arabic sender
        # someone without the module's roles finds nothing
        assert selectors.mail_search(viewer=user_with("x"), text="bennani") == []
        # a service user only what their services have
        assert selectors.mail_search(viewer=user_with("s", permissions.SERVICE), text="bennani") == []


@pytest.mark.parametrize("window", [20_000, 2])
def test_a_common_word_gives_the_newest_matches_whether_or_not_the_recent_window_holds_them(
    fes, monkeypatch, window
) -> None:
    with schema_context("fes"):
        # given five letters about "voirie" among others, and a recent window of `window` letters
        monkeypatch.setattr(selectors, "RECENT_WINDOW", window)
        c = clerk()
        voirie = [incoming(c, f"Voirie rue {i}", cin=f"V{i}").reference for i in range(5)]
        incoming(c, "Autre chose", cin="W1")
        # when searching with a limit of three
        found = [r.reference for r in selectors.mail_search(viewer=c, text="voirie", limit=3)]
        # then the three newest matches, newest first
        assert found == voirie[::-1][:3]
