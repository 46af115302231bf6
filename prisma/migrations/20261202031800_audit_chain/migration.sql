-- CreateTable
CREATE TABLE "AuditChainLink" (
    "eventId" BIGINT NOT NULL,
    "merchantId" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditChainLink_pkey" PRIMARY KEY ("eventId")
);

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "merchantId" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditChainHead_pkey" PRIMARY KEY ("merchantId")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditChainLink_merchantId_seq_key" ON "AuditChainLink"("merchantId", "seq");

-- The hash chain over "AuditEvent" (docs/decisions/005-audit-hash-chain.md). Computed here, in the
-- database, so every writer (recordAudit, the seed's createMany, COPY) is chained without knowing it.
-- lib/audit/canonical.ts re-implements audit_canonical in TypeScript; keep the two identical.
CREATE FUNCTION audit_canonical(
    merchant_id TEXT, seq BIGINT, event_id BIGINT, created_at TIMESTAMP(3), actor_id TEXT, action TEXT,
    target_type TEXT, target_id TEXT, before JSONB, after JSONB, prev_hash TEXT
) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_array(
        1, merchant_id, seq::text, event_id::text,
        to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        actor_id, action, target_type, target_id, before, after, prev_hash
    )::text
$$;

CREATE FUNCTION audit_hash(canonical TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(canonical, 'UTF8')), 'hex')
$$;

-- Appends one event to its merchant's chain. The transaction-scoped advisory lock serializes the
-- writers of one merchant until commit, so two transactions never read the same head (no fork).
CREATE FUNCTION audit_chain_append(e "AuditEvent") RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    head_seq BIGINT;
    head_hash TEXT;
    next_hash TEXT;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('audit-chain:' || e."merchantId", 0));
    SELECT h."seq", h."hash" INTO head_seq, head_hash FROM "AuditChainHead" h WHERE h."merchantId" = e."merchantId";
    IF NOT FOUND THEN
        head_seq := 0;
        head_hash := repeat('0', 64);
    END IF;
    next_hash := audit_hash(audit_canonical(
        e."merchantId", head_seq + 1, e."id", e."createdAt", e."actorId", e."action",
        e."targetType", e."targetId", e."before", e."after", head_hash));
    INSERT INTO "AuditChainLink" ("eventId", "merchantId", "seq", "prevHash", "hash")
        VALUES (e."id", e."merchantId", head_seq + 1, head_hash, next_hash);
    INSERT INTO "AuditChainHead" ("merchantId", "seq", "hash") VALUES (e."merchantId", head_seq + 1, next_hash)
        ON CONFLICT ("merchantId") DO UPDATE SET "seq" = EXCLUDED."seq", "hash" = EXCLUDED."hash";
END
$$;

CREATE FUNCTION audit_event_chain() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM audit_chain_append(NEW);
    RETURN NEW;
END
$$;

CREATE FUNCTION audit_refuse_change() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on "%" is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION audit_head_advance_only() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW."merchantId" <> OLD."merchantId" OR NEW."seq" <> OLD."seq" + 1 THEN
        RAISE EXCEPTION 'The audit chain head only moves forward one event at a time'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

-- Chain what was written before this migration, in the order it was written.
DO $$
DECLARE
    e "AuditEvent";
BEGIN
    FOR e IN SELECT * FROM "AuditEvent" ORDER BY "id" LOOP
        PERFORM audit_chain_append(e);
    END LOOP;
END
$$;

CREATE TRIGGER audit_event_chain BEFORE INSERT ON "AuditEvent"
    FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
CREATE TRIGGER audit_event_immutable BEFORE UPDATE OR DELETE ON "AuditEvent"
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON "AuditEvent"
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_link_immutable BEFORE UPDATE OR DELETE ON "AuditChainLink"
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_link_no_truncate BEFORE TRUNCATE ON "AuditChainLink"
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON "AuditChainHead"
    FOR EACH ROW EXECUTE FUNCTION audit_head_advance_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON "AuditChainHead"
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
