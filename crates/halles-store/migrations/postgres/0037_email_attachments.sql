-- An outbox message can carry one document as a PDF attachment: the outbox keeps only a
-- reference to it (JSON: the kind of document, the organization that reads it and its id),
-- and the document is rendered when the message is sent, so the outbox stays small.
ALTER TABLE emails ADD COLUMN attachment TEXT;
