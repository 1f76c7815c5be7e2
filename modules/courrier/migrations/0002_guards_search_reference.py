"""The bureau d'ordre's rules in SQL, so that no code path (nor a psql session) can break them:

- a letter is never deleted; its category, year, number, code, registration and reply link never change;
- its status moves only along the allowed transitions (models.ALLOWED_TRANSITIONS, compared by a test);
  a deleted letter changes no more;
- routing history, status changes, annotations, copies and attachments are append-only;
- trigram indexes for search by subject and correspondent, and an index on the number alone (search by number
  across categories and years) (pg_trgm in public, as état civil; Arabic needs a
  UTF-8 LC_CTYPE);
- the reference lists: administrations and letter types with their processing delays.
"""

from django.db import migrations

GUARDS = """
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

CREATE FUNCTION courrier_mail_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'courrier: a registered letter is never deleted (mark it deleted with a reason)'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.category <> OLD.category OR NEW.year <> OLD.year OR NEW.number <> OLD.number OR NEW.code <> OLD.code
       OR NEW.registered_at <> OLD.registered_at OR NEW.registered_by_id <> OLD.registered_by_id
       OR NEW.reply_to_id IS DISTINCT FROM OLD.reply_to_id THEN
        RAISE EXCEPTION 'courrier: a letter''s number, category, code and registration never change'
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'deleted' THEN
        RAISE EXCEPTION 'courrier: a deleted letter does not change' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> OLD.status AND NOT ((OLD.status, NEW.status) IN (
        ('to_qualify', 'new'), ('to_qualify', 'deleted'),
        ('new', 'in_progress'), ('new', 'waiting'), ('new', 'to_sign'), ('new', 'closed'), ('new', 'deleted'),
        ('in_progress', 'waiting'), ('in_progress', 'to_sign'), ('in_progress', 'closed'), ('in_progress', 'deleted'),
        ('waiting', 'in_progress'), ('waiting', 'to_sign'), ('waiting', 'closed'), ('waiting', 'deleted'),
        ('to_sign', 'in_progress'), ('to_sign', 'closed'), ('to_sign', 'deleted')
    )) THEN
        RAISE EXCEPTION 'courrier: a letter cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER courrier_mail_guarded BEFORE UPDATE OR DELETE ON courrier_mail
    FOR EACH ROW EXECUTE FUNCTION courrier_mail_guard();

CREATE FUNCTION courrier_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'courrier: % is append-only', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER courrier_assignment_append_only BEFORE UPDATE OR DELETE ON courrier_assignment
    FOR EACH ROW EXECUTE FUNCTION courrier_append_only();
CREATE TRIGGER courrier_statuschange_append_only BEFORE UPDATE OR DELETE ON courrier_statuschange
    FOR EACH ROW EXECUTE FUNCTION courrier_append_only();
CREATE TRIGGER courrier_annotation_append_only BEFORE UPDATE OR DELETE ON courrier_annotation
    FOR EACH ROW EXECUTE FUNCTION courrier_append_only();
CREATE TRIGGER courrier_mailcopy_append_only BEFORE UPDATE OR DELETE ON courrier_mailcopy
    FOR EACH ROW EXECUTE FUNCTION courrier_append_only();
CREATE TRIGGER courrier_attachment_append_only BEFORE UPDATE OR DELETE ON courrier_attachment
    FOR EACH ROW EXECUTE FUNCTION courrier_append_only();

CREATE INDEX courrier_mail_subject_trgm ON courrier_mail USING gin (subject public.gin_trgm_ops);
CREATE INDEX courrier_correspondent_name_trgm ON courrier_correspondent USING gin (name public.gin_trgm_ops);
CREATE INDEX courrier_mail_number_any ON courrier_mail (number);
"""

GUARDS_REVERSE = """
DROP INDEX IF EXISTS courrier_mail_number_any;
DROP INDEX IF EXISTS courrier_correspondent_name_trgm;
DROP INDEX IF EXISTS courrier_mail_subject_trgm;
DROP TRIGGER IF EXISTS courrier_attachment_append_only ON courrier_attachment;
DROP TRIGGER IF EXISTS courrier_mailcopy_append_only ON courrier_mailcopy;
DROP TRIGGER IF EXISTS courrier_annotation_append_only ON courrier_annotation;
DROP TRIGGER IF EXISTS courrier_statuschange_append_only ON courrier_statuschange;
DROP TRIGGER IF EXISTS courrier_assignment_append_only ON courrier_assignment;
DROP FUNCTION IF EXISTS courrier_append_only();
DROP TRIGGER IF EXISTS courrier_mail_guarded ON courrier_mail;
DROP FUNCTION IF EXISTS courrier_mail_guard();
"""

ADMINISTRATIONS = [
    ("interieur", "Ministère de l'Intérieur", "وزارة الداخلية"),
    ("province", "Province / Préfecture", "العمالة / الإقليم"),
    ("region", "Conseil de la région", "مجلس الجهة"),
    ("tresorerie", "Trésorerie générale du Royaume", "الخزينة العامة للمملكة"),
    ("dgi", "Direction générale des impôts", "المديرية العامة للضرائب"),
    ("tribunal", "Tribunal", "المحكمة"),
    ("agence-urbaine", "Agence urbaine", "الوكالة الحضرية"),
    ("onee", "ONEE", "المكتب الوطني للكهرباء والماء الصالح للشرب"),
]
MAIL_TYPES = [
    ("demande", "Demande", "طلب", 30),
    ("reclamation", "Réclamation", "شكاية", 60),
    ("information", "Information", "إخبار", 15),
    ("invitation", "Invitation", "دعوة", 7),
    ("convocation", "Convocation", "استدعاء", 7),
    ("correspondance", "Correspondance administrative", "مراسلة إدارية", 30),
]


def seed(apps, schema_editor):
    Administration = apps.get_model("courrier", "Administration")
    MailType = apps.get_model("courrier", "MailType")
    for code, fr, ar in ADMINISTRATIONS:
        Administration.objects.get_or_create(code=code, defaults={"name_fr": fr, "name_ar": ar})
    for code, fr, ar, days in MAIL_TYPES:
        MailType.objects.get_or_create(code=code, defaults={"name_fr": fr, "name_ar": ar, "processing_days": days})


class Migration(migrations.Migration):
    dependencies = [("courrier", "0001_initial")]

    operations = [
        migrations.RunSQL(GUARDS, GUARDS_REVERSE),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
