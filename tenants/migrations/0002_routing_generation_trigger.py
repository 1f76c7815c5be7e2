from django.db import migrations

# Any change to communes or domains (ORM, console, raw SQL) bumps the generation in the same transaction,
# so every process's routing cache sees it at commit (see tenants/routing.py).
SQL = """
INSERT INTO tenants_routinggeneration (id, value) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION tenants_bump_routing_generation() RETURNS trigger AS $$
BEGIN
    UPDATE tenants_routinggeneration SET value = value + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tenants_commune_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants_commune
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_bump_routing_generation();
CREATE TRIGGER tenants_domain_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants_domain
    FOR EACH STATEMENT EXECUTE FUNCTION tenants_bump_routing_generation();
"""

REVERSE = """
DROP TRIGGER IF EXISTS tenants_commune_routing ON tenants_commune;
DROP TRIGGER IF EXISTS tenants_domain_routing ON tenants_domain;
DROP FUNCTION IF EXISTS tenants_bump_routing_generation();
"""


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
