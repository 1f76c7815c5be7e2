"""The budget's rules in SQL, so that no code path (nor a psql session) can break them:

- a budget is never deleted; its state moves only draft → voted → approved → executing → closed
  (models.BUDGET_TRANSITIONS, compared by a test); its vote and approval, once recorded, never change;
- lines are added, removed and their forecasts changed only while the budget is a draft; their running totals
  (adjustments, engaged, liquidated, ordered, paid) are written only by these triggers;
- **a line's approved engagements never exceed its available credit**: approving an engagement adds it to the
  line's `engaged_dh` under the line's row lock, after checking the ceiling: the line's credit (forecast +
  amending budgets + virements) when the budget is approved or executing, otherwise the provisional twelfths
  (previous exercice's credit × months elapsed / 12 on operating lines; nothing on investment lines);
- an engagement moves only proposed → approved / rejected, once; nothing else of it changes; never deleted;
- liquidations never exceed their (approved) engagement; a payment order covers one liquidation, a payment one
  order, for the same amounts; credit movements, liquidations, orders and payments are append-only; a
  virement's rows sum to zero at commit; a credit never falls below what is engaged on it;
- no TRUNCATE on any of them.
"""

from django.db import migrations

from jamaa.platform import db_guards

TABLES = (
    "budget_budget",
    "budget_budgetline",
    "budget_creditmovement",
    "budget_engagement",
    "budget_liquidation",
    "budget_paymentorder",
    "budget_payment",
)
APPEND_ONLY = ("budget_creditmovement", "budget_liquidation", "budget_paymentorder", "budget_payment")

GUARDS = r"""
CREATE FUNCTION budget_budget_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'budget: a budget is never deleted' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.year <> OLD.year OR NEW.nomenclature_version <> OLD.nomenclature_version
       OR NEW.created_by_id <> OLD.created_by_id OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'budget: a budget''s year and nomenclature never change' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status <> OLD.status AND NOT ((OLD.status, NEW.status) IN (
        ('draft', 'voted'), ('voted', 'approved'), ('approved', 'executing'), ('executing', 'closed')
    )) THEN
        RAISE EXCEPTION 'budget: a budget cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status <> 'draft' AND (NEW.council_session, NEW.voted_on, NEW.deliberation_number)
       IS DISTINCT FROM (OLD.council_session, OLD.voted_on, OLD.deliberation_number) THEN
        RAISE EXCEPTION 'budget: the council''s vote, once recorded, never changes' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status NOT IN ('draft', 'voted') AND (NEW.approved_on, NEW.approval_reference)
       IS DISTINCT FROM (OLD.approved_on, OLD.approval_reference) THEN
        RAISE EXCEPTION 'budget: the approval, once recorded, never changes' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'closed' OR (OLD.closed_on IS NOT NULL AND NEW.closed_on IS DISTINCT FROM OLD.closed_on) THEN
        RAISE EXCEPTION 'budget: a closed budget changes no more' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER budget_budget_guarded BEFORE UPDATE OR DELETE ON budget_budget
    FOR EACH ROW EXECUTE FUNCTION budget_budget_guard();

-- Lines: shape fixed once the budget leaves the draft; running totals written only from the triggers below
-- (pg_trigger_depth() > 1: the update comes from another table's trigger).
CREATE FUNCTION budget_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    st text;
BEGIN
    SELECT status INTO st FROM budget_budget WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.budget_id ELSE NEW.budget_id END;
    IF TG_OP = 'DELETE' THEN
        IF st <> 'draft' OR OLD.engaged_dh <> 0 OR OLD.adjustments_dh <> 0 THEN
            RAISE EXCEPTION 'budget: a line is removed only from a draft budget' USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF st <> 'draft' THEN
            RAISE EXCEPTION 'budget: lines are added only to a draft budget' USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.adjustments_dh <> 0 OR NEW.engaged_dh <> 0 OR NEW.liquidated_dh <> 0 OR NEW.ordered_dh <> 0
           OR NEW.paid_dh <> 0 THEN
            RAISE EXCEPTION 'budget: a new line starts with no execution' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.budget_id, NEW.direction, NEW.part, NEW.chapter, NEW.article, NEW.line, NEW.code_eco)
       IS DISTINCT FROM (OLD.budget_id, OLD.direction, OLD.part, OLD.chapter, OLD.article, OLD.line, OLD.code_eco) THEN
        RAISE EXCEPTION 'budget: a line''s codes never change' USING ERRCODE = 'check_violation';
    END IF;
    IF st <> 'draft' AND (NEW.forecast_dh, NEW.label_fr, NEW.label_ar, NEW.chapter_fr, NEW.chapter_ar)
       IS DISTINCT FROM (OLD.forecast_dh, OLD.label_fr, OLD.label_ar, OLD.chapter_fr, OLD.chapter_ar) THEN
        RAISE EXCEPTION 'budget: a forecast changes only while the budget is a draft (then by decision)'
            USING ERRCODE = 'check_violation';
    END IF;
    IF pg_trigger_depth() < 2 AND (NEW.adjustments_dh, NEW.engaged_dh, NEW.liquidated_dh, NEW.ordered_dh, NEW.paid_dh)
       IS DISTINCT FROM (OLD.adjustments_dh, OLD.engaged_dh, OLD.liquidated_dh, OLD.ordered_dh, OLD.paid_dh) THEN
        RAISE EXCEPTION 'budget: a line''s execution is written by its records only' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER budget_line_guarded BEFORE INSERT OR UPDATE OR DELETE ON budget_budgetline
    FOR EACH ROW EXECUTE FUNCTION budget_line_guard();

-- The ceiling of a line on a day: its credit when the budget is open, else the provisional twelfths.
CREATE FUNCTION budget_line_ceiling(line_id bigint, on_day date) RETURNS numeric LANGUAGE plpgsql STABLE AS $$
DECLARE
    l record;
    b record;
    previous numeric;
    months integer;
BEGIN
    SELECT * INTO l FROM budget_budgetline WHERE id = line_id;
    SELECT * INTO b FROM budget_budget WHERE id = l.budget_id;
    IF b.status IN ('approved', 'executing') THEN
        RETURN l.forecast_dh + l.adjustments_dh;
    END IF;
    IF b.status = 'closed' OR l.part <> 'fonctionnement' THEN
        RETURN 0;
    END IF;
    SELECT p.forecast_dh + p.adjustments_dh INTO previous
    FROM budget_budgetline p JOIN budget_budget pb ON pb.id = p.budget_id
    WHERE pb.year = b.year - 1 AND pb.status IN ('approved', 'executing', 'closed')
      AND p.direction = l.direction AND p.part = l.part AND p.chapter = l.chapter AND p.article = l.article
      AND p.line = l.line;
    months := CASE WHEN extract(year FROM on_day) > b.year THEN 12
                   WHEN extract(year FROM on_day) < b.year THEN 0
                   ELSE extract(month FROM on_day)::integer END;
    RETURN trunc(coalesce(previous, 0) * months / 12, 2);
END;
$$;

CREATE FUNCTION budget_engagement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    l record;
    b record;
    ceiling numeric;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'budget: an engagement is never deleted (reject it)' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT * INTO l FROM budget_budgetline WHERE id = NEW.line_id;
        SELECT * INTO b FROM budget_budget WHERE id = l.budget_id;
        IF NEW.status <> 'proposed' OR NEW.decided_by_id IS NOT NULL THEN
            RAISE EXCEPTION 'budget: an engagement starts proposed' USING ERRCODE = 'check_violation';
        END IF;
        IF l.budget_id <> NEW.budget_id OR b.year <> NEW.year OR l.direction <> 'spending' OR b.status = 'closed' THEN
            RAISE EXCEPTION 'budget: an engagement goes on a spending line of its own open exercice'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.budget_id, NEW.line_id, NEW.year, NEW.number, NEW.beneficiary, NEW.subject, NEW.amount_dh,
        NEW.proposed_by_id, NEW.proposed_at)
       IS DISTINCT FROM (OLD.budget_id, OLD.line_id, OLD.year, OLD.number, OLD.beneficiary, OLD.subject,
                         OLD.amount_dh, OLD.proposed_by_id, OLD.proposed_at) THEN
        RAISE EXCEPTION 'budget: an engagement, once proposed, does not change' USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status <> 'proposed' THEN
        IF to_jsonb(NEW) IS DISTINCT FROM to_jsonb(OLD) THEN
            RAISE EXCEPTION 'budget: a decided engagement changes no more' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status NOT IN ('proposed', 'approved', 'rejected') THEN
        RAISE EXCEPTION 'budget: unknown engagement status %', NEW.status USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status = 'approved' THEN
        -- The line's row lock (NO KEY UPDATE: it does not wait for the key-share locks of engagements being proposed
        -- on it) serialises concurrent approvals on it: the check and the sum are one step.
        SELECT * INTO l FROM budget_budgetline WHERE id = NEW.line_id FOR NO KEY UPDATE;
        SELECT * INTO b FROM budget_budget WHERE id = l.budget_id;
        IF b.status = 'closed' THEN
            RAISE EXCEPTION 'budget: the exercice % is closed', b.year USING ERRCODE = 'check_violation';
        END IF;
        ceiling := budget_line_ceiling(NEW.line_id, NEW.decided_on);
        IF l.engaged_dh + NEW.amount_dh > ceiling THEN
            RAISE EXCEPTION 'budget: credit exceeded on line %.%.%: available %, asked %',
                l.chapter, l.article, l.line, greatest(ceiling - l.engaged_dh, 0), NEW.amount_dh
                USING ERRCODE = 'check_violation', HINT = 'budget_credit_exceeded';
        END IF;
        UPDATE budget_budgetline SET engaged_dh = engaged_dh + NEW.amount_dh WHERE id = NEW.line_id;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER budget_engagement_guarded BEFORE INSERT OR UPDATE OR DELETE ON budget_engagement
    FOR EACH ROW EXECUTE FUNCTION budget_engagement_guard();

CREATE FUNCTION budget_movement_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    l record;
    st text;
BEGIN
    SELECT * INTO l FROM budget_budgetline WHERE id = NEW.line_id FOR NO KEY UPDATE;
    SELECT status INTO st FROM budget_budget WHERE id = l.budget_id;
    IF st NOT IN ('approved', 'executing') THEN
        RAISE EXCEPTION 'budget: credits change by decision on an approved budget only' USING ERRCODE = 'check_violation';
    END IF;
    IF l.forecast_dh + l.adjustments_dh + NEW.amount_dh < l.engaged_dh
       OR l.forecast_dh + l.adjustments_dh + NEW.amount_dh < 0 THEN
        RAISE EXCEPTION 'budget: the credit of line %.%.% would fall below what is engaged (%)',
            l.chapter, l.article, l.line, l.engaged_dh USING ERRCODE = 'check_violation';
    END IF;
    UPDATE budget_budgetline SET adjustments_dh = adjustments_dh + NEW.amount_dh WHERE id = NEW.line_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER budget_movement_applied AFTER INSERT ON budget_creditmovement
    FOR EACH ROW EXECUTE FUNCTION budget_movement_apply();

CREATE FUNCTION budget_transfer_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total numeric;
BEGIN
    IF NEW.kind = 'transfer' THEN
        SELECT sum(amount_dh) INTO total FROM budget_creditmovement WHERE "group" = NEW."group";
        IF total <> 0 THEN
            RAISE EXCEPTION 'budget: a transfer of credits takes from one line what it gives another (sum %)', total
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER budget_transfer_balanced AFTER INSERT ON budget_creditmovement
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION budget_transfer_balanced();

CREATE FUNCTION budget_liquidation_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    e record;
    done numeric;
BEGIN
    SELECT * INTO e FROM budget_engagement WHERE id = NEW.engagement_id FOR NO KEY UPDATE;
    IF e.status <> 'approved' OR e.year <> NEW.year THEN
        RAISE EXCEPTION 'budget: only an approved engagement of the exercice is liquidated' USING ERRCODE = 'check_violation';
    END IF;
    SELECT coalesce(sum(amount_dh), 0) INTO done FROM budget_liquidation WHERE engagement_id = NEW.engagement_id;
    IF done + NEW.amount_dh > e.amount_dh THEN
        RAISE EXCEPTION 'budget: liquidations would exceed engagement % (% remain)', e.number, e.amount_dh - done
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE budget_budgetline SET liquidated_dh = liquidated_dh + NEW.amount_dh WHERE id = e.line_id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER budget_liquidation_applied BEFORE INSERT ON budget_liquidation
    FOR EACH ROW EXECUTE FUNCTION budget_liquidation_apply();

CREATE FUNCTION budget_order_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    liq record;
    line_id bigint;
BEGIN
    SELECT * INTO liq FROM budget_liquidation WHERE id = NEW.liquidation_id;
    IF liq.amount_dh <> NEW.amount_dh OR liq.year <> NEW.year THEN
        RAISE EXCEPTION 'budget: a payment order orders its liquidation''s amount' USING ERRCODE = 'check_violation';
    END IF;
    SELECT e.line_id INTO line_id FROM budget_engagement e WHERE e.id = liq.engagement_id;
    UPDATE budget_budgetline SET ordered_dh = ordered_dh + NEW.amount_dh WHERE id = line_id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER budget_order_applied BEFORE INSERT ON budget_paymentorder
    FOR EACH ROW EXECUTE FUNCTION budget_order_apply();

CREATE FUNCTION budget_payment_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o record;
    line_id bigint;
BEGIN
    SELECT * INTO o FROM budget_paymentorder WHERE id = NEW.order_id;
    IF o.amount_dh <> NEW.amount_dh OR o.year <> NEW.year THEN
        RAISE EXCEPTION 'budget: a payment pays its order''s amount' USING ERRCODE = 'check_violation';
    END IF;
    SELECT e.line_id INTO line_id FROM budget_liquidation l JOIN budget_engagement e ON e.id = l.engagement_id
    WHERE l.id = o.liquidation_id;
    UPDATE budget_budgetline SET paid_dh = paid_dh + NEW.amount_dh WHERE id = line_id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER budget_payment_applied BEFORE INSERT ON budget_payment
    FOR EACH ROW EXECUTE FUNCTION budget_payment_apply();

CREATE INDEX budget_movement_group ON budget_creditmovement ("group");
"""

GUARDS_REVERSE = """
DROP INDEX IF EXISTS budget_movement_group;
DROP TRIGGER IF EXISTS budget_payment_applied ON budget_payment;
DROP FUNCTION IF EXISTS budget_payment_apply();
DROP TRIGGER IF EXISTS budget_order_applied ON budget_paymentorder;
DROP FUNCTION IF EXISTS budget_order_apply();
DROP TRIGGER IF EXISTS budget_liquidation_applied ON budget_liquidation;
DROP FUNCTION IF EXISTS budget_liquidation_apply();
DROP TRIGGER IF EXISTS budget_transfer_balanced ON budget_creditmovement;
DROP FUNCTION IF EXISTS budget_transfer_balanced();
DROP TRIGGER IF EXISTS budget_movement_applied ON budget_creditmovement;
DROP FUNCTION IF EXISTS budget_movement_apply();
DROP TRIGGER IF EXISTS budget_engagement_guarded ON budget_engagement;
DROP FUNCTION IF EXISTS budget_engagement_guard();
DROP FUNCTION IF EXISTS budget_line_ceiling(bigint, date);
DROP TRIGGER IF EXISTS budget_line_guarded ON budget_budgetline;
DROP FUNCTION IF EXISTS budget_line_guard();
DROP TRIGGER IF EXISTS budget_budget_guarded ON budget_budget;
DROP FUNCTION IF EXISTS budget_budget_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]

    operations = [
        migrations.RunSQL(db_guards.functions(), migrations.RunSQL.noop),
        migrations.RunSQL(GUARDS, GUARDS_REVERSE),
        migrations.RunSQL(
            db_guards.refuse_truncate(*TABLES) + "\n" + db_guards.append_only(*APPEND_ONLY),
            db_guards.append_only_reverse(*APPEND_ONLY) + "\n" + db_guards.refuse_truncate_reverse(*TABLES),
        ),
    ]
