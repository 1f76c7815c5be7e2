#!/usr/bin/env bash
# Refresh the French and Arabic translations after adding or changing UI strings.
#
#   scripts/i18n_refresh.sh
#
# 1. `jamaa makemessages` collects every msgid ({% translate %} in templates, gettext/_() in Python)
#    from platform/, tenants/, provisioning/ and modules/ into platform/locale/{fr,ar}/LC_MESSAGES/django.po
#    (settings.LOCALE_PATHS); existing translations are kept, new strings arrive with an empty msgstr
#    (or marked "#, fuzzy" when gettext guessed from a similar string: check those and drop the flag).
# 2. msgfmt --check compiles each .po into the django.mo that is committed next to it.
#
# Then translate the new entries in both .po files, run this script again, and commit .po and .mo.
# tests/platform/test_i18n.py fails while any msgstr is empty or fuzzy.
#
# Needs GNU gettext (xgettext, msgmerge, msguniq, msgfmt): `apt-get install gettext`.
# makemessages imports the settings but never connects to the database; the DATABASE_URL below only
# stops the settings from starting the embedded PostgreSQL (set I18N_DATABASE_URL to override).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

JAMAA="${JAMAA:-$REPO/.venv/bin/jamaa}"
LANGS=(fr ar)

for tool in xgettext msgmerge msguniq msgfmt; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found; install GNU gettext" >&2; exit 1; }
done

lang_flags=()
for lang in "${LANGS[@]}"; do lang_flags+=(-l "$lang"); done

DEBUG=1 DATABASE_URL="${I18N_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/jamaa_i18n}" \
  "$JAMAA" makemessages "${lang_flags[@]}" --no-obsolete \
  --ignore=.venv --ignore=tests --ignore=var --ignore=helm --ignore=benchmarks --ignore=build --ignore=docs

status=0
for lang in "${LANGS[@]}"; do
  dir="platform/locale/$lang/LC_MESSAGES"
  echo "== $lang"
  (cd "$dir" && msgfmt --check --statistics -o django.mo django.po)
  # msgfmt leaves fuzzy and untranslated entries out of the .mo: list them so they get translated.
  untranslated=$(msgattrib --untranslated --no-obsolete --no-wrap "$dir/django.po" | grep -c '^msgid "' || true)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$dir/django.po" | grep -c '^msgid "' || true)
  # msgattrib prints the header entry too when it selects anything
  [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
    echo "   $dir/django.po: $untranslated untranslated, $fuzzy fuzzy: translate them and rerun" >&2
    status=1
  fi
done
exit $status
