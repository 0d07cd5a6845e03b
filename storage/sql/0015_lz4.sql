-- Mail, documents and outgoing messages are compressed with LZ4 rather than PostgreSQL's
-- default pglz: storing a message with a PDF spent more time in pglz than in anything else the
-- database did for it, and LZ4 compresses several times faster for a little more space.
-- Values already stored stay as they are (both are read alike).
ALTER TABLE inbound_items ALTER COLUMN raw SET COMPRESSION lz4;
ALTER TABLE documents ALTER COLUMN content SET COMPRESSION lz4;
ALTER TABLE outbox ALTER COLUMN message SET COMPRESSION lz4;
