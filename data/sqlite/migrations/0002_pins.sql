-- PINs (bcrypt hashes) and the lock after five wrong PINs.
ALTER TABLE users ADD COLUMN pin_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN failed_pins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT NOT NULL DEFAULT '';
