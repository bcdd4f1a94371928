-- The applicant's identity document and contact details (第二十九条第一项) and the channel of
-- delivery asked for (第二十九条第三项). Empty where the request came from a ledger that does not
-- say. Personal data: the pages mask it for anyone who does not handle the agency's requests.
ALTER TABLE requests ADD COLUMN id_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN delivery TEXT NOT NULL DEFAULT '';
