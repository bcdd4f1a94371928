-- An agency's page (the portal) counts its documents under each item of 第二十条 and lists the
-- newest of each: read from this index alone, however many documents the agency has.
CREATE INDEX documents_agency_item ON documents (agency_id, item, published, id);
