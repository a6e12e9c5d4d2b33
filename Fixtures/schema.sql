-- The example bookstore used by the README, the examples and SQLTestKit's own tests.
-- Authors write books; a book may continue an earlier one (a self-reference); readers
-- review books; books carry tags through a join table.

CREATE TABLE author (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    email       TEXT    NOT NULL UNIQUE,
    born        DATE,
    active      BOOLEAN NOT NULL DEFAULT 1
);

CREATE TABLE book (
    id               INTEGER PRIMARY KEY,
    title            TEXT    NOT NULL,
    author_id        INTEGER NOT NULL REFERENCES author(id),
    previous_book_id INTEGER REFERENCES book(id),
    published        DATE,
    price            REAL    CHECK (price >= 0),
    in_print         BOOLEAN NOT NULL DEFAULT 1,
    metadata         JSON,
    cover            BLOB
);

CREATE TABLE review (
    id          INTEGER PRIMARY KEY,
    book_id     INTEGER NOT NULL REFERENCES book(id) ON DELETE CASCADE,
    reviewer    TEXT    NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body        TEXT,
    created_at  DATETIME NOT NULL
);

CREATE TABLE tag (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);

CREATE TABLE book_tag (
    book_id  INTEGER NOT NULL REFERENCES book(id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    PRIMARY KEY (book_id, tag_id)
);

CREATE INDEX book_author ON book(author_id);
CREATE INDEX review_book ON review(book_id);
