"""Revenue for every kind of licence, and a fine's ordre de recette:

- a licence whose tax is declared (débits de boissons on turnover) has its revenue line like any other, but no
  ordre per period (the régie liquidates each declaration): `fee_on_declarations`, frozen with the rest; the
  deferred trigger asks the first period's ordre only of the others;
- a fine carries its ordre de recette (CHECK), issued with it; a sanction's other columns stay frozen (0002);
- the débit de boissons joins the nomenclature, owing the régie's BOISSONS tax.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

GUARDS_0002 = importlib.import_module("jamaa.modules.police.migrations.0002_guards_reference").GUARDS


def _function(sql: str, name: str) -> str:
    """One CREATE FUNCTION … $$ LANGUAGE plpgsql; of 0002, as CREATE OR REPLACE."""
    start = sql.index(f"CREATE FUNCTION {name}()")
    end = sql.index("$$ LANGUAGE plpgsql;", start) + len("$$ LANGUAGE plpgsql;")
    return sql[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


OLD_GUARD = _function(GUARDS_0002, "police_authorisation_guard")
OLD_REVENUE = _function(GUARDS_0002, "police_authorisation_revenue")
NEW_GUARD = OLD_GUARD.replace(
    "NEW.conditions, NEW.fee_tax_code,", "NEW.conditions, NEW.fee_tax_code, NEW.fee_on_declarations,"
).replace("OLD.conditions, OLD.fee_tax_code,", "OLD.conditions, OLD.fee_tax_code, OLD.fee_on_declarations,")
NEW_REVENUE = OLD_REVENUE.replace(
    "IF NEW.fee_tax_code <> '' AND NEW.status",
    "IF NEW.fee_tax_code <> '' AND NOT NEW.fee_on_declarations AND NEW.status",
)
assert NEW_GUARD != OLD_GUARD and NEW_REVENUE != OLD_REVENUE


def seed(apps, schema_editor):
    Activity = apps.get_model("police", "Activity")
    Activity.objects.get_or_create(
        code="debit-boissons",
        defaults={
            "label_fr": "Débit de boissons",
            "label_ar": "محل لبيع المشروبات",
            "nuisance_class": "regulated",
            "fee_tax_code": "BOISSONS",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("police", "0003_request_mail_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="authorisation",
            name="fee_on_declarations",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="sanction",
            name="ordre_reference",
            field=models.CharField(blank=True, max_length=30),
        ),
        migrations.AddField(
            model_name="sanction",
            name="regie_ordre_id",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="sanction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("kind", "fine"),
                        ("regie_ordre_id__isnull", False),
                        models.Q(("ordre_reference", ""), _negated=True),
                    ),
                    models.Q(
                        models.Q(("kind", "fine"), _negated=True),
                        ("regie_ordre_id__isnull", True),
                        ("ordre_reference", ""),
                    ),
                    _connector="OR",
                ),
                name="police_sanction_fine_ordre",
            ),
        ),
        migrations.RunSQL(NEW_GUARD + "\n" + NEW_REVENUE, OLD_GUARD + "\n" + OLD_REVENUE),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
