"""The urbanisme module's rules in SQL, so that no code path (nor a psql session) can break them:

- a dossier is never deleted; its kind, year, number, code, deposit, parent and bureau d'ordre link never change;
  its status moves only along models.ALLOWED_TRANSITIONS (a test compares them and tries every other pair);
  a final dossier (refused, certified, withdrawn) changes no more; signed / refused need the arrêté of the
  matching outcome; the decision day and the tax's quittance, once written, never change;
- a held sitting changes no more and takes no more items; a consultation's answer and a commission's avis are
  written once (db_guards.set_once); pieces received, events, decisions and issued documents are append-only;
  none of the tables can be truncated;
- the reference lists: the pieces each kind requires (in force from decree 2-13-424) and the consulted services.
"""

import datetime as dt

from django.db import migrations

from jamaa.platform import db_guards

TRANSITIONS = [
    ("deposited", "incomplete"), ("deposited", "instruction"), ("deposited", "withdrawn"),
    ("incomplete", "instruction"), ("incomplete", "withdrawn"),
    ("instruction", "incomplete"), ("instruction", "consultation"), ("instruction", "commission"),
    ("instruction", "favourable"), ("instruction", "unfavourable"), ("instruction", "withdrawn"),
    ("consultation", "commission"), ("consultation", "withdrawn"),
    ("commission", "favourable"), ("commission", "unfavourable"), ("commission", "instruction"),
    ("commission", "withdrawn"),
    ("favourable", "signed"), ("unfavourable", "refused"),
    ("signed", "delivered"), ("delivered", "certified"),
]
PAIRS = ", ".join(f"('{a}', '{b}')" for a, b in TRANSITIONS)

GUARDS = f"""
CREATE FUNCTION urbanisme_dossier_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'urbanisme: a dossier is never deleted (withdraw it)' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind <> OLD.kind OR NEW.year <> OLD.year OR NEW.number <> OLD.number OR NEW.code <> OLD.code
       OR NEW.deposited_on <> OLD.deposited_on OR NEW.deposited_at <> OLD.deposited_at
       OR NEW.deposited_by_id <> OLD.deposited_by_id OR NEW.parent_id IS DISTINCT FROM OLD.parent_id
       OR (OLD.courrier_mail_id IS NOT NULL AND NEW.courrier_mail_id IS DISTINCT FROM OLD.courrier_mail_id)
       OR (OLD.decided_on IS NOT NULL AND NEW.decided_on IS DISTINCT FROM OLD.decided_on)
       OR (OLD.tax_quittance <> '' AND NEW.tax_quittance <> OLD.tax_quittance) THEN
        RAISE EXCEPTION 'urbanisme: a dossier''s number, deposit, decision day and quittance never change'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status IN ('refused', 'certified', 'withdrawn') THEN
        RAISE EXCEPTION 'urbanisme: a % dossier changes no more', OLD.status USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> OLD.status THEN
        IF NOT ((OLD.status, NEW.status) IN ({PAIRS})) THEN
            RAISE EXCEPTION 'urbanisme: a dossier cannot go from % to %', OLD.status, NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.status IN ('signed', 'refused') AND NOT EXISTS (
            SELECT 1 FROM urbanisme_decision d WHERE d.dossier_id = NEW.id AND d.granted = (NEW.status = 'signed')
        ) THEN
            RAISE EXCEPTION 'urbanisme: a decision is signed with its numbered arrêté'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER urbanisme_dossier_guarded BEFORE UPDATE OR DELETE ON urbanisme_dossier
    FOR EACH ROW EXECUTE FUNCTION urbanisme_dossier_guard();

CREATE FUNCTION urbanisme_sitting_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'urbanisme: a sitting is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'held' THEN
        RAISE EXCEPTION 'urbanisme: a held sitting''s minutes are final' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.year <> OLD.year OR NEW.number <> OLD.number THEN
        RAISE EXCEPTION 'urbanisme: a sitting''s number never changes' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER urbanisme_sitting_guarded BEFORE UPDATE OR DELETE ON urbanisme_sitting
    FOR EACH ROW EXECUTE FUNCTION urbanisme_sitting_guard();

CREATE FUNCTION urbanisme_item_open_sitting() RETURNS trigger AS $$
BEGIN
    IF (SELECT status FROM urbanisme_sitting WHERE id = NEW.sitting_id) = 'held' THEN
        RAISE EXCEPTION 'urbanisme: a held sitting takes no more items' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER urbanisme_item_open_sitting BEFORE INSERT OR UPDATE ON urbanisme_sittingitem
    FOR EACH ROW EXECUTE FUNCTION urbanisme_item_open_sitting();
"""

GUARDS_REVERSE = """
DROP TRIGGER IF EXISTS urbanisme_item_open_sitting ON urbanisme_sittingitem;
DROP FUNCTION IF EXISTS urbanisme_item_open_sitting();
DROP TRIGGER IF EXISTS urbanisme_sitting_guarded ON urbanisme_sitting;
DROP FUNCTION IF EXISTS urbanisme_sitting_guard();
DROP TRIGGER IF EXISTS urbanisme_dossier_guarded ON urbanisme_dossier;
DROP FUNCTION IF EXISTS urbanisme_dossier_guard();
"""

APPEND_ONLY = ("urbanisme_piecereceipt", "urbanisme_event", "urbanisme_decision", "urbanisme_issueddocument")
ALL_TABLES = (
    "urbanisme_dossier", "urbanisme_parcel", "urbanisme_piecereceipt", "urbanisme_event", "urbanisme_consultation",
    "urbanisme_sitting", "urbanisme_sittingitem", "urbanisme_decision", "urbanisme_issueddocument",
)
SQL = "\n".join(
    [
        db_guards.functions(),
        GUARDS,
        db_guards.append_only(*APPEND_ONLY),
        db_guards.set_once("urbanisme_consultation", "returned_on", "avis", "avis_note", "returned_by_id"),
        db_guards.set_once("urbanisme_sittingitem", "recorded_by_id", "avis", "avis_note"),
        db_guards.refuse_truncate(*ALL_TABLES),
    ]
)
SQL_REVERSE = "\n".join(
    [
        db_guards.refuse_truncate_reverse(*ALL_TABLES),
        db_guards.set_once_reverse("urbanisme_sittingitem"),
        db_guards.set_once_reverse("urbanisme_consultation"),
        db_guards.append_only_reverse(*APPEND_ONLY),
        GUARDS_REVERSE,
    ]
)

_COMMON = {
    "demande": ("Demande signée du pétitionnaire", "طلب موقع من طرف صاحب الطلب"),
    "propriete": ("Certificat de propriété (titre foncier ou réquisition)", "شهادة الملكية (رسم عقاري أو مطلب)"),
    "situation": ("Plan de situation", "تصميم الموقع"),
    "topo": ("Plan topographique", "التصميم الطبوغرافي"),
    "archi": ("Plans architecturaux signés par l'architecte", "التصاميم المعمارية موقعة من طرف المهندس المعماري"),
    "contrat": ("Contrat de l'architecte", "عقد المهندس المعماري"),
    "lotissement": ("Plan de lotissement", "تصميم التجزئة"),
    "cahier": ("Cahier des charges", "دفتر التحملات"),
    "vrd": ("Plans des voiries et réseaux divers", "تصاميم الطرق والشبكات المختلفة"),
    "morcellement": ("Plan de morcellement", "تصميم التقسيم"),
    "travaux": ("Description des travaux", "وصف الأشغال"),
    "photos": ("Photographies de l'état actuel", "صور الحالة الراهنة"),
    "methode": ("Méthode et calendrier de démolition", "طريقة وجدولة الهدم"),
    "releve": ("Relevé de l'existant", "رفع للبناء القائم"),
    "fin_travaux": ("Certificat de fin des travaux de l'architecte", "شهادة انتهاء الأشغال من المهندس المعماري"),
    "carnet": ("Carnet de chantier", "دفتر الورش"),
}
PIECES = {
    "construire": ["demande", "propriete", "situation", "topo", "archi", "contrat"],
    "lotir": ["demande", "propriete", "situation", "topo", "lotissement", "cahier", "vrd"],
    "groupe": ["demande", "propriete", "situation", "topo", "archi", "cahier", "vrd"],
    "morcellement": ["demande", "propriete", "situation", "morcellement"],
    "refection": ["demande", "propriete", "travaux", "photos"],
    "demolition": ["demande", "propriete", "situation", "methode"],
    "regularisation": ["demande", "propriete", "situation", "releve", "archi"],
    "habiter": ["demande", "fin_travaux", "carnet"],
    "conformite": ["demande", "fin_travaux", "carnet"],
}
SERVICES = [
    ("agence-urbaine", "Agence urbaine", "الوكالة الحضرية", 15),
    ("protection-civile", "Protection civile", "الوقاية المدنية", 15),
    ("reseaux", "Distributeur d'eau et d'électricité", "موزع الماء والكهرباء", 15),
    ("monuments", "Inspection des monuments historiques", "مفتشية المباني التاريخية", 20),
    ("environnement", "Service de l'environnement", "مصلحة البيئة", 15),
]
IN_FORCE = dt.date(2013, 5, 24)  # decree 2-13-424


def seed(apps, schema_editor):
    Requirement = apps.get_model("urbanisme", "PieceRequirement")
    Service = apps.get_model("urbanisme", "ConsultedService")
    for kind, codes in PIECES.items():
        for position, code in enumerate(codes, start=1):
            fr, ar = _COMMON[code]
            Requirement.objects.get_or_create(
                kind=kind,
                code=code,
                effective_from=IN_FORCE,
                defaults={"label_fr": fr, "label_ar": ar, "position": position},
            )
    for code, fr, ar, days in SERVICES:
        Service.objects.get_or_create(code=code, defaults={"name_fr": fr, "name_ar": ar, "answer_days": days})


class Migration(migrations.Migration):
    dependencies = [("urbanisme", "0001_initial")]

    operations = [
        migrations.RunSQL(SQL, SQL_REVERSE),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
