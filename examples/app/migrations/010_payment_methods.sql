-- 010: cards on file and the payments made with them. A card belongs to the
-- person who entered it and goes away with them; a payment is an accounting
-- record and keeps the default NO ACTION on both of its references.

CREATE TYPE billing.payment_status AS ENUM ('pending', 'succeeded', 'failed', 'refunded');

CREATE TABLE billing.payment_methods (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint      NOT NULL REFERENCES billing.customers (id) ON DELETE CASCADE,
    added_by     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    brand        varchar(20) NOT NULL,
    last4        char(4)     NOT NULL,
    exp_month    smallint    NOT NULL,
    exp_year     smallint    NOT NULL,
    is_default   boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payment_methods_last4_check CHECK (last4 ~ '^[0-9]{4}$'),
    CONSTRAINT payment_methods_exp_month_check CHECK (exp_month BETWEEN 1 AND 12)
);

CREATE INDEX payment_methods_customer_id_idx ON billing.payment_methods (customer_id);
CREATE INDEX payment_methods_added_by_idx ON billing.payment_methods (added_by);
CREATE UNIQUE INDEX payment_methods_one_default_idx ON billing.payment_methods (customer_id) WHERE is_default;

CREATE TABLE billing.payments (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id         bigint         NOT NULL REFERENCES billing.invoices (id),
    payment_method_id  bigint         NOT NULL REFERENCES billing.payment_methods (id),
    amount             numeric(12, 2) NOT NULL,
    status             billing.payment_status NOT NULL DEFAULT 'pending',
    processor_ref      varchar(64)    UNIQUE,
    paid_at            timestamptz,
    created_at         timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT payments_amount_check CHECK (amount > 0)
);

CREATE INDEX payments_invoice_id_idx ON billing.payments (invoice_id);
CREATE INDEX payments_payment_method_id_idx ON billing.payments (payment_method_id);
